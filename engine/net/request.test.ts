// guardedFetch()/guardedOpen() against real HTTP servers on 127.0.0.1: refused without the
// allow-list (and the server never sees a request), allowed with it; names resolving to
// loopback (an injected resolver) refused; redirects re-checked per hop; the size cap, the
// timeouts and the caller's abort; TLS with an extra root CA or without verification.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutboundError } from "./errors";
import { parseAllowList } from "./policy";
import { guardedFetch, guardedOpen, type Resolver } from "./request";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let port: number;
let seen: string[] = [];
const routes = new Map<string, Handler>();

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const h = routes.get(req.url!.split("?")[0]);
    if (h) h(req, res);
    else res.end(`hello ${req.method} ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const loopback = parseAllowList("127.0.0.1").policy;
const closed = parseAllowList("").policy;
const base = () => `http://127.0.0.1:${port}`;
const resolveTo = (address: string, family = 4): Resolver => async () => [{ address, family }];

async function refusedWith(p: Promise<unknown>, code: string, message: RegExp) {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(OutboundError);
  expect((err as OutboundError).code).toBe(code);
  expect((err as OutboundError).message).toMatch(message);
}

describe("guardedFetch() destinations", () => {
  it("refuses loopback, private, link-local and metadata IPs without an allow-list, before connecting", async () => {
    seen = [];
    await refusedWith(guardedFetch({ url: `${base()}/x`, policy: closed }), "refused", /refused: 127\.0\.0\.1 is a loopback address/);
    await refusedWith(guardedFetch({ url: "http://[::1]:9/", policy: closed }), "refused", /::1 is a loopback address/);
    await refusedWith(guardedFetch({ url: "http://10.1.2.3/", policy: closed }), "refused", /10\.1\.2\.3 is a private address/);
    await refusedWith(guardedFetch({ url: "http://169.254.10.1/", policy: closed }), "refused", /link-local/);
    await refusedWith(guardedFetch({ url: "http://169.254.169.254/latest/meta-data/", policy: closed }), "refused", /cloud metadata address/);
    await refusedWith(guardedFetch({ url: "http://[::ffff:127.0.0.1]:9/", policy: closed }), "refused", /loopback/);
    await refusedWith(guardedFetch({ url: "http://0.0.0.0:9/", policy: closed }), "refused", /unspecified/);
    await refusedWith(guardedFetch({ url: "http://metadata.google.internal/computeMetadata/v1/", policy: closed, resolve: resolveTo("8.8.8.8") }), "refused", /cloud metadata host name/);
    expect(seen).toEqual([]);
  });

  it("allows a loopback server listed in the allow-list and returns status, headers and body", async () => {
    routes.set("/json", (_q, res) => res.writeHead(201, { "x-test": "yes", "content-type": "application/json" }).end('{"a":1}'));
    const r = await guardedFetch({ url: `${base()}/json`, policy: loopback });
    expect(r.status).toBe(201);
    expect(r.headers["x-test"]).toBe("yes");
    expect(r.body.toString()).toBe('{"a":1}');
    expect(r.truncated).toBe(false);
    expect(r.url).toBe(`${base()}/json`);
  });

  it("refuses a public-looking name that resolves to 127.0.0.1, and allows it when the name or address is listed", async () => {
    seen = [];
    const url = `http://public.example.com:${port}/x`;
    await refusedWith(guardedFetch({ url, policy: closed, resolve: resolveTo("127.0.0.1") }), "refused", /public\.example\.com resolves to 127\.0\.0\.1 is a loopback address/);
    await refusedWith(guardedFetch({ url, policy: closed, resolve: resolveTo("::ffff:127.0.0.1", 6) }), "refused", /loopback/);
    expect(seen).toEqual([]);
    const byName = await guardedFetch({ url, policy: parseAllowList("public.example.com").policy, resolve: resolveTo("127.0.0.1") });
    expect(byName.body.toString()).toBe("hello GET /x");
    const byIp = await guardedFetch({ url, policy: loopback, resolve: resolveTo("127.0.0.1") });
    expect(byIp.status).toBe(200);
  });

  it("connects only to the answers that passed: a refused answer among allowed ones is skipped", async () => {
    const mixed: Resolver = async () => [{ address: "10.0.0.1", family: 4 }, { address: "127.0.0.1", family: 4 }];
    const r = await guardedFetch({ url: `http://mixed.example:${port}/m`, policy: loopback, resolve: mixed });
    expect(r.body.toString()).toBe("hello GET /m");
  });

  it("reports a name that does not resolve as a dns error", async () => {
    const failing: Resolver = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND nope.invalid"), { code: "ENOTFOUND" });
    };
    await refusedWith(guardedFetch({ url: "http://nope.invalid/", policy: closed, resolve: failing }), "dns", /cannot resolve nope\.invalid: ENOTFOUND/);
  });

  it("refuses schemes other than http and https", async () => {
    await refusedWith(guardedFetch({ url: "file:///etc/passwd", policy: loopback }), "bad_url", /only http and https/);
    await refusedWith(guardedFetch({ url: "not a url", policy: loopback }), "bad_url", /not valid/);
  });
});

describe("guardedFetch() redirects", () => {
  it("follows redirects (303 turns POST into GET) and lists the hops", async () => {
    routes.set("/r1", (_q, res) => res.writeHead(302, { location: "/r2" }).end());
    routes.set("/r2", (_q, res) => res.writeHead(303, { location: `${base()}/final` }).end());
    seen = [];
    const r = await guardedFetch({ url: `${base()}/r1`, method: "POST", body: "a=1", policy: loopback });
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe("hello GET /final");
    expect(r.redirects).toEqual([`${base()}/r2`, `${base()}/final`]);
    expect(seen).toEqual(["POST /r1", "GET /r2", "GET /final"]);
  });

  it("refuses a redirect from an allowed host to a refused address", async () => {
    routes.set("/to-metadata", (_q, res) => res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end());
    routes.set("/to-private", (_q, res) => res.writeHead(307, { location: "http://internal.example/" }).end());
    await refusedWith(guardedFetch({ url: `${base()}/to-metadata`, policy: parseAllowList("127.0.0.1,169.254.0.0/16").policy }), "refused", /cloud metadata/);
    await refusedWith(guardedFetch({ url: `${base()}/to-private`, policy: loopback, resolve: resolveTo("192.168.1.10") }), "refused", /internal\.example resolves to 192\.168\.1\.10 is a private address/);
  });

  it("stops after maxRedirects, and maxRedirects 0 returns the 3xx itself", async () => {
    routes.set("/loop", (_q, res) => res.writeHead(301, { location: "/loop" }).end());
    await refusedWith(guardedFetch({ url: `${base()}/loop`, policy: loopback }), "too_many_redirects", /more than 5 redirects/);
    const r = await guardedFetch({ url: `${base()}/loop`, policy: loopback, maxRedirects: 0 });
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe("/loop");
  });

  it("drops credentials when a redirect leaves the origin", async () => {
    let auth: Array<string | undefined> = [];
    routes.set("/cross", (_q, res) => res.writeHead(302, { location: `http://localhost:${port}/auth` }).end());
    routes.set("/auth", (q, res) => {
      auth.push(q.headers.authorization);
      res.end("ok");
    });
    auth = [];
    await guardedFetch({ url: `${base()}/auth`, headers: { Authorization: "Bearer t" }, policy: loopback });
    await guardedFetch({ url: `${base()}/cross`, headers: { Authorization: "Bearer t" }, policy: parseAllowList("127.0.0.1,localhost").policy, resolve: resolveTo("127.0.0.1") });
    expect(auth).toEqual(["Bearer t", undefined]);
  });
});

describe("guardedFetch() limits", () => {
  it("caps the body at maxBytes and reports the truncation", async () => {
    routes.set("/big", (_q, res) => res.end(Buffer.alloc(100_000, 0x61)));
    const r = await guardedFetch({ url: `${base()}/big`, policy: loopback, maxBytes: 1000 });
    expect(r.body.length).toBe(1000);
    expect(r.truncated).toBe(true);
    const whole = await guardedFetch({ url: `${base()}/big`, policy: loopback, maxBytes: 100_000 });
    expect(whole.body.length).toBe(100_000);
    expect(whole.truncated).toBe(false);
  });

  it("times out a response that never comes (total timeout)", async () => {
    routes.set("/hang", () => {});
    const t0 = performance.now();
    await refusedWith(guardedFetch({ url: `${base()}/hang`, policy: loopback, timeoutMs: 200 }), "timeout", /longer than 200 ms/);
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it("times out a body that stops half way", async () => {
    routes.set("/slow-body", (_q, res) => res.writeHead(200, { "content-length": "100" }).write("part"));
    const s = await guardedOpen({ url: `${base()}/slow-body`, policy: loopback, timeoutMs: 300 });
    const read = (async () => {
      for await (const _ of s.body);
    })();
    await refusedWith(read, "timeout", /longer than 300 ms/);
  });

  it("gives up connecting after connectTimeoutMs (resolving counts as connecting)", async () => {
    const hanging: Resolver = () => new Promise(() => {});
    const t0 = performance.now();
    await refusedWith(guardedFetch({ url: "http://slow-dns.example/", policy: closed, resolve: hanging, connectTimeoutMs: 150, timeoutMs: 5000 }), "connect_timeout", /could not connect to slow-dns\.example within 150 ms/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it("stops within 100 ms when the caller aborts, while waiting for the response", async () => {
    routes.set("/hang", () => {});
    const ac = new AbortController();
    const p = guardedFetch({ url: `${base()}/hang`, policy: loopback, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    ac.abort();
    await refusedWith(p, "aborted", /cancelled/);
    expect(performance.now() - t0).toBeLessThan(100);
  });

  it("stops reading the body when the caller aborts", async () => {
    routes.set("/stream", (_q, res) => {
      res.writeHead(200);
      res.write("first");
    });
    const ac = new AbortController();
    const s = await guardedOpen({ url: `${base()}/stream`, policy: loopback, signal: ac.signal });
    const chunks: string[] = [];
    const read = (async () => {
      for await (const c of s.body) {
        chunks.push(c.toString());
        ac.abort();
      }
    })();
    await refusedWith(read, "aborted", /cancelled/);
    expect(chunks).toEqual(["first"]);
  });
});

describe.runIf(existsSync("/usr/bin/openssl"))("guardedFetch() over TLS", () => {
  let tlsServer: import("node:https").Server;
  let tlsPort: number;
  let cert: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "talon-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem")], { stdio: "ignore" });
    cert = readFileSync(join(dir, "c.pem"), "utf8");
    const { createServer: createTls } = await import("node:https");
    tlsServer = createTls({ key: readFileSync(join(dir, "k.pem")), cert }, (_q, res) => res.end("secure"));
    rmSync(dir, { recursive: true, force: true });
    await new Promise<void>((r) => tlsServer.listen(0, "127.0.0.1", r));
    tlsPort = (tlsServer.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => tlsServer.close(() => r())));

  it("refuses an unknown CA, trusts it given as root CA, and skips verification when asked", async () => {
    const url = `https://127.0.0.1:${tlsPort}/`;
    const err = await guardedFetch({ url, policy: loopback }).catch((e) => e);
    expect(err).toBeInstanceOf(OutboundError);
    expect(err.code).toBe("network");
    expect(err.message).toMatch(/self.signed/i);
    expect((await guardedFetch({ url, policy: loopback, tls: { ca: cert } })).body.toString()).toBe("secure");
    expect((await guardedFetch({ url, policy: loopback, tls: { skipVerify: true } })).body.toString()).toBe("secure");
  });
});
