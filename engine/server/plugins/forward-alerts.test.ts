// forward_alerts() against a real engine (PGlite) and a real local receiver: a destination that
// fails three times and then answers gets the alert once; a stopped forwarder started again
// with the same checkpoint delivers what was raised meanwhile and nothing it had delivered; a
// secret's URL appears in no row or log; filters pass only what they name; a loopback receiver
// is refused without the allow-list.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, queries, type Database } from "@/drizzle";
import type { Engine, ServerVqlEvent } from "@/engine/server/contracts";
import { createLogger } from "../log";
import { SYSTEM_PRINCIPAL } from "../services/accounts";
import { createEngine } from "../wiring";

interface Received {
  path: string;
  body: Record<string, unknown>;
  status: number;
}

let receiver: Server;
let base = "";
const received: Received[] = [];
/** Answers to give before succeeding, per path. */
const failures = new Map<string, number>();
const allowBefore = process.env.TALON_HTTP_CLIENT_ALLOW;

async function body(req: IncomingMessage): Promise<string> {
  let s = "";
  for await (const c of req) s += c;
  return s;
}

beforeAll(async () => {
  receiver = createServer(async (req, res) => {
    const text = await body(req);
    const left = failures.get(req.url ?? "") ?? 0;
    const status = left > 0 ? 503 : 204;
    if (left > 0) failures.set(req.url ?? "", left - 1);
    received.push({ path: req.url ?? "", body: JSON.parse(text || "{}"), status });
    res.writeHead(status, { connection: "close" }).end();
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
});
afterAll(async () => {
  if (allowBefore === undefined) delete process.env.TALON_HTTP_CLIENT_ALLOW;
  else process.env.TALON_HTTP_CLIENT_ALLOW = allowBefore;
  await new Promise((r) => receiver.close(r));
});

async function until<T>(fn: () => T | undefined | false, ms = 40_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function raise(engine: Engine, vql: string) {
  for await (const _ of engine.queries.run(vql, { principal: SYSTEM_PRINCIPAL }));
}

/** Runs a forwarder in the background; stop() ends it and resolves with its rows and logs. */
function forward(engine: Engine, args: string) {
  const ac = new AbortController();
  const rows: Array<Record<string, unknown>> = [];
  const logs: string[] = [];
  const done = (async () => {
    for await (const e of engine.queries.run(`SELECT * FROM forward_alerts(${args})`, { principal: SYSTEM_PRINCIPAL, signal: ac.signal }) as AsyncIterable<ServerVqlEvent>) {
      if (e.kind === "row") rows.push(Object.fromEntries(e.row.keys().map((k: string) => [k, e.row.get(k)])));
      if (e.kind === "log") logs.push(`${e.level}:${e.message}`);
    }
  })();
  return {
    rows,
    logs,
    async stop() {
      ac.abort();
      await done;
    },
  };
}

/** Waits until a forwarder has stored its checkpoint's position ("now"): what is raised after it is its to send. */
async function positioned(database: Database, name: string): Promise<void> {
  const t0 = Date.now();
  while (!(await queries.getConsumer(database.db, name))) {
    if (Date.now() - t0 > 40_000) throw new Error(`the forwarder's checkpoint ${name} was never stored`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("forward_alerts()", () => {
  let engine: Engine;
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    engine = await createEngine({ database, log: createLogger({ quiet: true }), interrogationsPerSecond: 0 });
    await engine.queries.warmed();
  });
  afterAll(() => engine.close());

  it("retries a destination that fails three times, and it gets the alert once", async () => {
    failures.set("/flaky", 3);
    const f = forward(engine, `format='json', url='${base}/flaky', checkpoint='flaky'`);
    // The checkpoint starts "now": let it store its position before raising.
    await positioned(database, "flaky");
    await raise(engine, "SELECT alert(name='Flaky.One', Detail='d') FROM scope()");
    await until(() => f.rows.length === 1);
    await f.stop();
    const hits = received.filter((r) => r.path === "/flaky");
    expect(hits.map((h) => h.status)).toEqual([503, 503, 503, 204]);
    expect(hits.every((h) => h.body.name === "Flaky.One" && (h.body.event_data as { Detail: string }).Detail === "d")).toBe(true);
    expect(f.rows[0]).toMatchObject({ Kind: "alert", Name: "Flaky.One", Delivered: true, Response: 204, Attempts: 4 });
    expect(f.logs.filter((l) => l.startsWith("WARN:forward_alerts: posting alert Flaky.One"))).toHaveLength(3);
  }, 60_000);

  it("a forwarder started again with its checkpoint sends what was raised meanwhile, and nothing twice", async () => {
    const first = forward(engine, `format='slack', url='${base}/durable', checkpoint='durable'`);
    await positioned(database, "durable");
    await raise(engine, "SELECT alert(name=format(format='Durable.%v', args=_value), dedup=-1) FROM range(end=3)");
    await until(() => first.rows.length === 3);
    await first.stop();
    await raise(engine, "SELECT alert(name=format(format='Durable.%v', args=_value + 3), dedup=-1) FROM range(end=2)");
    const second = forward(engine, `format='slack', url='${base}/durable', checkpoint='durable'`);
    await until(() => second.rows.length === 2);
    await new Promise((r) => setTimeout(r, 300));
    await second.stop();
    const texts = received.filter((r) => r.path === "/durable").map((r) => String(r.body.text));
    expect(texts.map((t) => /Durable\.(\d)/.exec(t)?.[1])).toEqual(["0", "1", "2", "3", "4"]);
  }, 60_000);

  it("passes only what its filters name; a URL from a secret shows redacted in rows and logs", async () => {
    await engine.secrets.add(SYSTEM_PRINCIPAL, { name: "hook", type: "Webhook", values: { url: `${base}/secret-path-token-123` } });
    const f = forward(engine, `format='discord', secret='hook', min_severity='high', name_regex='^Keep', checkpoint='filters'`);
    await positioned(database, "filters");
    await raise(engine, "SELECT alert(name='Keep.Low', severity='low') AS A, alert(name='Drop.High', severity='high') AS B, alert(name='Keep.High', severity='critical') AS C FROM scope()");
    await until(() => f.rows.length === 1);
    await new Promise((r) => setTimeout(r, 500));
    await f.stop();
    const hits = received.filter((r) => r.path === "/secret-path-token-123");
    expect(hits).toHaveLength(1);
    const embed = (hits[0]!.body.embeds as Array<{ title: string }>)[0]!;
    expect(embed.title).toBe("CRITICAL alert: Keep.High");
    expect(hits[0]!.body.allowed_mentions).toEqual({ parse: [] });
    const shown = JSON.stringify([f.rows, f.logs]);
    expect(shown).not.toContain("secret-path-token-123");
    expect(String(f.rows[0]!.Destination)).toContain("(secret hook)");
  }, 60_000);

  it("the seed's Discord example posts its JSON to a local receiver (allowed), and is refused without the allow-list", async () => {
    const seed = (url: string) => `LET DiscordURL = '${url}'
SELECT * FROM http_client(url=DiscordURL, method="POST", headers=dict(\`Content-Type\`="application/json"), data=serialize(format="json", item=dict(content="Hello World!")))`;
    const rows: Array<Record<string, unknown>> = [];
    for await (const e of engine.queries.run(seed(`${base}/discord-seed`), { principal: SYSTEM_PRINCIPAL }) as AsyncIterable<ServerVqlEvent>) {
      if (e.kind === "row") rows.push(Object.fromEntries(e.row.keys().map((k: string) => [k, e.row.get(k)])));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Response: 204 });
    const hit = received.filter((r) => r.path === "/discord-seed");
    expect(hit.map((h) => h.body)).toEqual([{ content: "Hello World!" }]);
    process.env.TALON_HTTP_CLIENT_ALLOW = "";
    try {
      const refused: Array<Record<string, unknown>> = [];
      for await (const e of engine.queries.run(seed(`${base}/discord-refused`), { principal: SYSTEM_PRINCIPAL }) as AsyncIterable<ServerVqlEvent>) {
        if (e.kind === "row") refused.push(Object.fromEntries(e.row.keys().map((k: string) => [k, e.row.get(k)])));
      }
      expect(refused[0]).toMatchObject({ Response: 500 });
      expect(received.filter((r) => r.path === "/discord-refused")).toHaveLength(0);
    } finally {
      process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    }
  });

  it("without the allow-list a loopback destination is refused and retried, never posted", async () => {
    process.env.TALON_HTTP_CLIENT_ALLOW = "";
    try {
      const f = forward(engine, `format='json', url='${base}/refused', checkpoint='refused'`);
      await positioned(database, "refused");
      await raise(engine, "SELECT alert(name='Refused.One') FROM scope()");
      await until(() => f.logs.some((l) => l.includes("posting alert Refused.One")));
      await f.stop();
      expect(received.filter((r) => r.path === "/refused")).toHaveLength(0);
      expect(f.rows).toHaveLength(0);
      expect(f.logs.find((l) => l.includes("Refused.One"))).toMatch(/127\.0\.0\.1/);
    } finally {
      process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    }
  }, 60_000);
});
