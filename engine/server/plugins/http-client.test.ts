// http_client() against a real HTTP server on 127.0.0.1 (allowed through TALON_HTTP_CLIENT_ALLOW
// for the tests that need it): Velociraptor's arguments and rows, the 500 row on a refused or
// failed request, chunking, temp files removed at the end of the query, the run's cookie jar,
// multipart uploads, and HTTP Secrets (stand-in secrets service) shown redacted.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "../../vql";
import { permissionsOf } from "../auth/roles";
import { ServiceError, type Principal, type ResolvedSecret, type VqlServices } from "@/engine/server/contracts";
import { serverBuiltins } from ".";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const as = (role: string): Principal => ({ userId: role, username: role, role, permissions: permissionsOf(role), via: "session" });
const admin = as("administrator");

let server: Server;
let base: string;
const requests: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string }> = [];
const routes = new Map<string, (req: IncomingMessage, res: ServerResponse, body: string) => void>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const h = routes.get(req.url!.split("?")[0]);
      if (h) h(req, res, body);
      else res.writeHead(200, { "content-type": "text/plain" }).end(`${req.method} ${req.url}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => {
  delete process.env.TALON_HTTP_CLIENT_ALLOW;
  requests.length = 0;
});

const SECRETS: Record<string, { users: string[]; values: Record<string, unknown>; type?: string }> = {
  hook: { users: ["analyst"], values: { url: "", extra_headers: { Authorization: "Bearer s3cr3t-token" }, method: "POST" } },
};

function services(): VqlServices {
  return {
    secrets: {
      async resolve(p: Principal, name: string, type: string): Promise<ResolvedSecret> {
        const s = SECRETS[name];
        if (!s) throw new ServiceError("not_found", `no secret named ${name}`);
        if (!p.permissions.has("SERVER_ADMIN") && !s.users.includes(p.username)) throw new ServiceError("forbidden", `secret ${name} is not shared with ${p.username}`);
        if ((s.type ?? "HTTP Secrets") !== type) throw new ServiceError("bad_request", `secret ${name} is of type ${s.type}, not ${type}`);
        return { name, type, values: s.values };
      },
    },
  } as unknown as VqlServices;
}

async function vql(text: string, principal: Principal = admin) {
  const rows: Array<Record<string, unknown>> = [];
  const logs: string[] = [];
  for await (const e of runVql(text, { registry, host: { principal, services: services() }, permissions: principal.permissions })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

describe("http_client() destinations", () => {
  it("refuses loopback without the allow-list: one row with Response 500, the reason as Content, a WARN line, and no request made", async () => {
    const r = await vql(`SELECT * FROM http_client(url='${base}/x')`);
    expect(r.rows).toEqual([{ Url: `${base}/x`, Content: "refused: 127.0.0.1 is a loopback address (allow it with TALON_HTTP_CLIENT_ALLOW)", Response: 500, Headers: {} }]);
    expect(r.logs).toEqual([`WARN http_client: refused: 127.0.0.1 is a loopback address (allow it with TALON_HTTP_CLIENT_ALLOW) (fetching ${base}/x)`]);
    expect(requests).toEqual([]);
  });

  it("refuses the cloud metadata address even when its range is allowed", async () => {
    process.env.TALON_HTTP_CLIENT_ALLOW = "169.254.0.0/16";
    const r = await vql("SELECT Response, Content FROM http_client(url='http://169.254.169.254/latest/meta-data/')");
    expect(r.rows).toEqual([{ Response: 500, Content: "refused: 169.254.169.254 is a cloud metadata address (allow it only by naming it in TALON_HTTP_CLIENT_ALLOW)" }]);
  });

  it("fetches an allowed server: GET params become the query string; Headers are the response's", async () => {
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    const r = await vql(`SELECT Url, Content, Response, Headers.\`content-type\` AS Type FROM http_client(url='${base}/get?a=1', params=dict(b='two words', c=[1, 2]), headers=dict(\`X-Test\`='yes'))`);
    expect(r.rows).toEqual([{ Url: `${base}/get?a=1`, Content: "GET /get?a=1&b=two+words&c=1&c=2", Response: 200, Type: "text/plain" }]);
    expect(requests[0].headers["x-test"]).toBe("yes");
    expect(requests[0].headers["user-agent"]).toMatch(/^Talon\//);
    expect(r.logs).toEqual([]);
  });

  it("tries each URL in turn until one answers", async () => {
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    const r = await vql(`SELECT Url, Response FROM http_client(url=['http://10.0.0.1/', '${base}/second'])`);
    expect(r.rows).toEqual([{ Url: `${base}/second`, Response: 200 }]);
    expect(r.logs).toEqual(["WARN http_client: refused: 10.0.0.1 is a private address (allow it with TALON_HTTP_CLIENT_ALLOW) (fetching http://10.0.0.1/)"]);
  });
});

describe("http_client() requests and bodies", () => {
  it("sends params as a form body for POST, data raw (winning over params), and the method given", async () => {
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    await vql(`SELECT * FROM http_client(url='${base}/p', method='post', params=dict(a='1&2'))`);
    await vql(`SELECT * FROM http_client(url='${base}/p', method='PUT', data='{"x":1}', params=dict(a=1), headers=dict(\`Content-Type\`='application/json'))`);
    await vql(`SELECT * FROM http_client(url='${base}/p', method='DELETE')`);
    expect(requests.map((q) => [q.method, q.headers["content-type"], q.body])).toEqual([
      ["POST", "application/x-www-form-urlencoded", "a=1%262"],
      ["PUT", "application/json", '{"x":1}'],
      ["DELETE", undefined, ""],
    ]);
  });

  it("refuses an unknown method before any request", async () => {
    const r = await vql(`SELECT * FROM http_client(url='${base}/p', method='TRACE')`);
    expect(r).toEqual({ rows: [], logs: ["ERROR http_client: invalid HTTP method `TRACE`; expected GET, POST, PUT, PATCH, DELETE, HEAD"] });
  });

  it("emits the body in rows of at most chunk_size bytes, and one row for an empty body", async () => {
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    routes.set("/ten", (_q, res) => res.end("0123456789"));
    routes.set("/empty", (_q, res) => res.writeHead(204).end());
    expect((await vql(`SELECT Content FROM http_client(url='${base}/ten', chunk_size=4)`)).rows).toEqual([{ Content: "0123" }, { Content: "4567" }, { Content: "89" }]);
    expect((await vql(`SELECT Content, Response FROM http_client(url='${base}/empty')`)).rows).toEqual([{ Content: "", Response: 204 }]);
  });

  it("cuts a body over TALON_HTTP_CLIENT_MAX_BYTES and says so", async () => {
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    process.env.TALON_HTTP_CLIENT_MAX_BYTES = "5";
    try {
      routes.set("/ten", (_q, res) => res.end("0123456789"));
      const r = await vql(`SELECT Content FROM http_client(url='${base}/ten')`);
      expect(r.rows).toEqual([{ Content: "01234" }]);
      expect(r.logs).toEqual([`WARN http_client: the response from ${base}/ten was cut at 5 bytes (TALON_HTTP_CLIENT_MAX_BYTES)`]);
    } finally {
      delete process.env.TALON_HTTP_CLIENT_MAX_BYTES;
    }
  });

  it("writes the body to a temp file (Content is its path) that exists during the query and is gone after it", async () => {
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    routes.set("/file", (_q, res) => res.end("file body"));
    let during = "";
    let path = "";
    for await (const e of runVql(`SELECT Content FROM http_client(url='${base}/file', tempfile_extension='.txt')`, { registry, host: { principal: admin, services: services() }, permissions: admin.permissions })) {
      if (e.kind === "row") {
        path = (toJsonValue(e.row) as { Content: string }).Content;
        during = readFileSync(path, "utf8");
      }
    }
    expect(path).toMatch(/tmp\.txt$/);
    expect(during).toBe("file body");
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(path)).toBe(false);
  });

  it("keeps cookies servers set for the rest of the query, and sends cookie_jar's", async () => {
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    routes.set("/login", (_q, res) => res.writeHead(200, { "set-cookie": "session=abc; Path=/; HttpOnly" }).end("in"));
    await vql(`LET _ <= SELECT * FROM http_client(url='${base}/login')
SELECT * FROM http_client(url='${base}/me', cookie_jar=dict(extra='1'))`);
    expect(requests.map((q) => q.headers.cookie)).toEqual([undefined, "session=abc; extra=1"]);
    await vql(`SELECT * FROM http_client(url='${base}/me')`);
    expect(requests[2].headers.cookie).toBeUndefined();
  });

  it("uploads files as multipart/form-data with the params as fields", async () => {
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    await vql(`SELECT * FROM http_client(url='${base}/up', method='POST', params=dict(note='hi'), files=[dict(file='a.txt', key='upload', path='file content', accessor='data')])`);
    const q = requests[0];
    const boundary = /boundary=(.+)$/.exec(String(q.headers["content-type"]))![1];
    expect(q.body).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="a.txt"\r\nContent-Type: application/octet-stream\r\n\r\nfile content\r\n` +
        `--${boundary}--\r\n`,
    );
  });

  it("uploading a server file needs FILESYSTEM_READ", async () => {
    const analyst = { ...as("analyst"), permissions: new Set([...permissionsOf("analyst"), "NETWORK" as const]) };
    const r = await vql(`SELECT * FROM http_client(url='${base}/up', method='POST', files=[dict(file='p', path='/etc/hostname')])`, analyst);
    expect(r).toEqual({ rows: [], logs: ["ERROR http_client: uploading a server file needs FILESYSTEM_READ (accessor 'data' sends given content)"] });
  });

  it("without NETWORK the evaluator refuses it before it runs", async () => {
    const r = await vql(`SELECT * FROM http_client(url='${base}/x')`, as("analyst"));
    expect(r.rows).toEqual([]);
    expect(r.logs.join("\n")).toMatch(/permission denied: `http_client\(\)` needs NETWORK/);
  });
});

describe("http_client() with HTTP Secrets", () => {
  it("uses the secret's URL, method and headers, and shows the URL redacted", async () => {
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    SECRETS.hook.values.url = `${base}/hooks/T000/B000/very-secret-path`;
    const a = await vql("SELECT Url, Response FROM http_client(url='secret://hook', data='{}')");
    const b = await vql(`SELECT Url, Response FROM http_client(url='${base}/ignored', secret='hook', data='{}')`);
    expect(a.rows).toEqual([{ Url: `${base}/…redacted`, Response: 200 }]);
    expect(b.rows).toEqual(a.rows);
    expect(requests.map((q) => [q.method, q.url, q.headers.authorization])).toEqual([
      ["POST", "/hooks/T000/B000/very-secret-path", "Bearer s3cr3t-token"],
      ["POST", "/hooks/T000/B000/very-secret-path", "Bearer s3cr3t-token"],
    ]);
  });

  it("a refused secret URL shows neither the URL nor the headers anywhere", async () => {
    SECRETS.hook.values.url = "http://127.0.0.1:9/hooks/T000/B000/very-secret-path";
    const r = await vql("SELECT * FROM http_client(url='secret://hook')");
    const text = JSON.stringify(r);
    expect(r.rows).toEqual([{ Url: "http://127.0.0.1:9/…redacted", Content: "refused: 127.0.0.1 is a loopback address (allow it with TALON_HTTP_CLIENT_ALLOW)", Response: 500, Headers: {} }]);
    expect(text).not.toContain("very-secret-path");
    expect(text).not.toContain("s3cr3t-token");
  });

  it("users it is not shared with are refused by name, without a request", async () => {
    const investigator = { ...as("investigator"), permissions: new Set([...permissionsOf("investigator"), "NETWORK" as const]) };
    const analyst = { ...as("analyst"), permissions: new Set([...permissionsOf("analyst"), "NETWORK" as const]) };
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    SECRETS.hook.values.url = `${base}/hooks/x`;
    expect(await vql("SELECT * FROM http_client(url='secret://hook')", investigator)).toEqual({ rows: [], logs: ["ERROR http_client: secret hook is not shared with investigator"] });
    expect((await vql("SELECT Response FROM http_client(url='secret://hook')", analyst)).rows).toEqual([{ Response: 200 }]);
    expect(await vql("SELECT * FROM http_client(url='secret://nope')")).toEqual({ rows: [], logs: ["ERROR http_client: no secret named nope"] });
  });
});

describe("http_client() lifecycle over a real socket", () => {
  it("one chunk, then break: the connection is closed and nothing is left open", async () => {
    const { leftOpen, openResources } = await import("../../vql/testdata/lifecycle");
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    routes.set("/endless", (_q, res) => {
      res.writeHead(200);
      const tick = setInterval(() => res.write("x".repeat(1024)), 5);
      res.on("close", () => clearInterval(tick));
    });
    const before = openResources();
    let rows = 0;
    for await (const e of runVql(`SELECT * FROM http_client(url='${base}/endless', chunk_size=100)`, { registry, host: { principal: admin, services: services() }, permissions: admin.permissions })) {
      if (e.kind === "row" && ++rows === 1) break;
    }
    expect(rows).toBe(1);
    expect(await leftOpen(before)).toEqual({});
  });

  it("stops within 100 ms of an abort while the server has not answered", async () => {
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    routes.set("/hang", () => {});
    const ac = new AbortController();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      ac.abort();
    }, 50);
    const kinds: string[] = [];
    for await (const e of runVql(`SELECT * FROM http_client(url='${base}/hang')`, { registry, host: { principal: admin, services: services() }, permissions: admin.permissions, signal: ac.signal })) kinds.push(e.kind);
    expect(performance.now() - abortedAt).toBeLessThan(100);
    expect(kinds).not.toContain("row");
  });
});
