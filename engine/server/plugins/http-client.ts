// http_client() on the server: the shared plugin (engine/endpoint/builtins/http-client.ts) with
// managed `HTTP Secrets` (secret= or url='secret://name') resolved for the calling user; no Unix
// sockets (a socket on the server's host, e.g. Docker's, is not a network destination the
// outbound policy could judge).
import type { Builtin } from "@/engine/vql";
import { httpClientPluginFor } from "@/engine/endpoint/builtins/http-client";
import { TALON_VERSION } from "../version";
import { guarded } from "./clients";
import { serverHost } from "./host";

export const httpClientPlugin = httpClientPluginFor({
  category: "server",
  platforms: ["server"],
  userAgent: `Talon/${TALON_VERSION}`,
  doc: "Makes an HTTP(S) request from the server and returns `Url`, `Content` (the body, in rows of at most `chunk_size` bytes, or a temp file's path), `Response` (the status code) and `Headers`. Destinations in loopback, private, link-local, unique-local, multicast and cloud metadata ranges are refused unless TALON_HTTP_CLIENT_ALLOW lists them; the check is on the address connected to, for every redirect. A failure gives one row with Response 500 and the reason as Content. With `secret` (or url='secret://name') a managed `HTTP Secrets` secret supplies the URL and headers, and the URL is shown redacted.",
  async resolveSecret(ctx, name) {
    const { principal, services } = serverHost(ctx.host);
    const s = await guarded(ctx, () => services.secrets.resolve(principal, name, "HTTP Secrets"), null);
    return s ? s.values : null;
  },
});

export const httpClientBuiltins: readonly Builtin[] = [httpClientPlugin];
