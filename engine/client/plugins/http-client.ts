// http_client() on the agent: the shared plugin (engine/endpoint/builtins/http-client.ts) run
// from the endpoint, with Velociraptor's Unix socket URLs (`/var/run/docker.sock:unix/info`,
// which Linux.Applications.Docker.* and Linux.Debian.Packages use). TCP destinations go through
// the same outbound policy as on the server, read from the agent's own environment
// (TALON_HTTP_CLIENT_ALLOW): loopback, private and metadata addresses are refused unless listed.
// Managed secrets stay on the server: `secret=` is an ERROR here.
import { httpClientPluginFor } from "@/engine/endpoint/builtins/http-client";
import { AGENT_USER_AGENT } from "./user-agent";

export const agentHttpClientPlugin = httpClientPluginFor({
  category: "client",
  platforms: ["client"],
  userAgent: AGENT_USER_AGENT,
  unixSockets: true,
  serverToolDownloads: true,
  doc: "Makes an HTTP(S) request from the endpoint and returns `Url`, `Content` (the body, in rows of at most `chunk_size` bytes, or a temp file's path), `Response` (the status code) and `Headers`. `url='/path/to.sock:unix/rest'` sends the request over a local Unix socket (Docker's, snapd's). Other destinations in loopback, private, link-local, unique-local, multicast and cloud metadata ranges are refused unless the agent's TALON_HTTP_CLIENT_ALLOW lists them, except a GET of a tool (`/api/tools/download/<token>`) from the server the agent connects to. A failure gives one row with Response 500 and the reason as Content. Managed secrets (`secret`) are the server's only.",
});
