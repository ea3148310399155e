// http_client() on the agent: Velociraptor's Unix socket URLs reach a local HTTP server on a
// socket (as Linux.Applications.Docker.Info asks Docker's), with the path and query it was
// given; TCP to loopback is refused unless the agent's TALON_HTTP_CLIENT_ALLOW lists it; managed
// secrets are the server's only.
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runVql, toJsonValue } from "@/engine/vql";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { unixSocketUrl } from "@/engine/endpoint/builtins/http-client";
import { agentRegistry } from ".";

const dir = mkdtempSync(join(tmpdir(), "talon-http-"));
const sock = join(dir, "api.sock");
const seen: Array<{ url: string; host: string; method: string; ua: string }> = [];
const handler = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
  seen.push({ url: req.url ?? "", host: req.headers.host ?? "", method: req.method ?? "", ua: req.headers["user-agent"] ?? "" });
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ ID: "docker-1", Containers: 3 }));
};
const unixServer: Server = createServer(handler);
const tcpServer: Server = createServer(handler);
let port = 0;

async function run(vql: string) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: agentRegistry(), host: { system: createLinuxSystem() } })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

beforeAll(async () => {
  await new Promise<void>((r) => unixServer.listen(sock, r));
  await new Promise<void>((r) => tcpServer.listen(0, "127.0.0.1", r));
  port = (tcpServer.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => unixServer.close(r));
  await new Promise((r) => tcpServer.close(r));
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.TALON_HTTP_CLIENT_ALLOW;
  seen.length = 0;
});

describe("http_client() on the agent", () => {
  it("sends a request over a Unix socket: `<socket>:unix/<path>`", async () => {
    const r = await run(`SELECT Url, Response, parse_json(data=Content).Containers AS N FROM http_client(url='${sock}:unix/v1.41/info', params=dict(all='1'))`);
    expect(r.logs).toEqual([]);
    expect(r.rows).toEqual([{ Url: `${sock}:unix/v1.41/info`, Response: 200, N: 3 }]);
    expect(seen).toEqual([{ url: "/v1.41/info?all=1", host: "localhost", method: "GET", ua: expect.stringMatching(/^Talon\/\d+\.\d+\.\d+/) }]);
  });

  it("refuses loopback over TCP unless the agent's allow-list names it", async () => {
    const refused = await run(`SELECT Response, Content FROM http_client(url='http://127.0.0.1:${port}/x')`);
    expect(refused.rows).toHaveLength(1);
    expect(refused.rows[0]!.Response).toBe(500);
    expect(String(refused.rows[0]!.Content)).toMatch(/^refused: /);
    expect(seen).toEqual([]);
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    const allowed = await run(`SELECT Response, parse_json(data=Content).ID AS ID FROM http_client(url='http://127.0.0.1:${port}/x')`);
    expect(allowed.rows).toEqual([{ Response: 200, ID: "docker-1" }]);
  });

  it("managed secrets are the server's: secret= is an ERROR on the agent", async () => {
    const r = await run(`SELECT * FROM http_client(url='secret://mine')`);
    expect(r.rows).toEqual([]);
    expect(r.logs).toEqual(["ERROR http_client: managed secrets are resolved on the server only (not on an endpoint)"]);
  });

  it("reads Velociraptor's socket URL form", () => {
    expect(unixSocketUrl("/var/run/docker.sock:unix/info")).toEqual({ socketPath: "/var/run/docker.sock", url: "http://localhost/info" });
    expect(unixSocketUrl("/run/snapd.socket:unix/v2/snaps?x=1")).toEqual({ socketPath: "/run/snapd.socket", url: "http://localhost/v2/snaps?x=1" });
    expect(unixSocketUrl("/run/x.sock:unix")).toEqual({ socketPath: "/run/x.sock", url: "http://localhost/" });
    expect(unixSocketUrl("http://host/info")).toBeUndefined();
  });
});
