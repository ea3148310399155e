// The query API's JSON-lines stream (engine/server/api/query-lines.ts) behind an API key, read by
// `talon query --server URL --key K`: rows in column order, logs, the final status, refusals.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryLines } from "../server/api/query-lines";
import { queryCommand } from "../cli/query";
import { remoteQuery } from "../cli/query-remote";
import { SYSTEM_PRINCIPAL } from "../server/services/accounts";
import { startTestServer, type TestServer } from "./harness";

describe("POST /api/v1/query and talon query --server", () => {
  let s: TestServer;
  let http: Server;
  let url: string;
  let key: string;
  let readerKey: string;

  beforeAll(async () => {
    s = await startTestServer({ memory: true });
    await s.engine.accounts.createUser(SYSTEM_PRINCIPAL, { username: "bot", password: "bot-password", role: "api" });
    await s.engine.accounts.createUser(SYSTEM_PRINCIPAL, { username: "rita", password: "rita-password", role: "reader" });
    key = (await s.engine.accounts.issueApiKey(SYSTEM_PRINCIPAL, "bot", "ci")).key;
    readerKey = (await s.engine.accounts.issueApiKey(SYSTEM_PRINCIPAL, "rita", "ci")).key;
    // The same steps as the route handler: authenticate the key, check ANY_QUERY, stream lines.
    http = createServer(async (req, res) => {
      const principal = await s.engine.accounts.resolveApiKey(String(req.headers.authorization ?? "").replace(/^Bearer /, ""));
      if (!principal) return void res.writeHead(401).end(JSON.stringify({ message: "sign in first" }));
      if (!principal.permissions.has("ANY_QUERY")) return void res.writeHead(403).end(JSON.stringify({ message: "this needs the ANY_QUERY permission" }));
      let body = "";
      for await (const c of req) body += c;
      const { query, env } = JSON.parse(body);
      res.writeHead(200, { "Content-Type": "application/x-ndjson" });
      Readable.fromWeb(queryLines(s.engine.queries.run(query, { principal, env }), query) as never).pipe(res);
    });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    http?.close();
    await s?.close();
  });

  function io() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (x: string) => void out.push(x), stderr: (x: string) => void err.push(x), readFile: async () => "", remote: (r: Parameters<typeof remoteQuery>[0]) => remoteQuery(r) } };
  }

  it("streams rows with their column order, as the calling user", async () => {
    const t = io();
    const code = await queryCommand(["--server", url, "--key", key, "--format", "jsonl", "SELECT 2 AS `10`, 'x' AS A, 1 AS `2` FROM scope()"], t.io);
    expect(code).toBe(0);
    expect(t.out.join("")).toBe('{"10":2,"A":"x","2":1}\n');
  });

  it("passes --param values and prints logs to stderr", async () => {
    const t = io();
    const code = await queryCommand(["--server", url, "--key", key, "--param", "Who=world", "SELECT format(format='hello %v', args=Who) AS Greeting FROM scope() WHERE log(message='said hello')"], t.io);
    expect(code).toBe(0);
    expect(JSON.parse(t.out.join(""))).toEqual([{ Greeting: "hello world" }]);
    expect(t.err.join("")).toMatch(/said hello/);
  });

  it("log lines say where: `span` and `at` in the stream, `line:col` in the CLI", async () => {
    const query = "SELECT 1 AS A,\n  nosuch(x=1) AS B FROM scope()";
    const res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    const log = lines.find((l) => l.type === "log" && l.level === "ERROR");
    expect(log).toMatchObject({ at: "2:3", span: { start: 17 } });
    const t = io();
    await queryCommand(["--server", url, "--key", key, query], t.io);
    expect(t.err.join("")).toMatch(/ERROR: 2:3: .*nosuch/);
  });

  it("a user without ANY_QUERY is refused; a bad key is refused", async () => {
    const t = io();
    expect(await queryCommand(["--server", url, "--key", readerKey, "SELECT 1 FROM scope()"], t.io)).toBe(1);
    expect(t.err.join("")).toMatch(/refused the query \(403\): this needs the ANY_QUERY permission/);
    const u = io();
    expect(await queryCommand(["--server", url, "--key", "tk_0000000000000000_nope-nope-nope-nope-nope", "SELECT 1 FROM scope()"], u.io)).toBe(1);
    expect(u.err.join("")).toMatch(/\(401\)/);
  });

  it("server builtins run with the key's user: clients() works, label() is denied to the api role", async () => {
    const t = io();
    expect(await queryCommand(["--server", url, "--key", key, "SELECT * FROM clients()"], t.io)).toBe(0);
    expect(JSON.parse(t.out.join(""))).toEqual([]);
    const l = io();
    await queryCommand(["--server", url, "--key", key, "SELECT label(client_id='C.0123456789abcdef', labels='x', op='set') AS L FROM scope()"], l.io);
    expect(l.err.join("")).toMatch(/permission denied: `label\(\)` needs LABEL_CLIENT/);
  });
});
