// The agent-protocol fuzz corpus (engine/protocol/testdata/fuzz/corpus.json) against a real
// server over real sockets, while a well-behaved agent is connected and collecting. Each case
// runs on its own connection of an enrolled rogue agent, before or after a valid hello. Asserts:
// the server never fails (no internal error, no 1011 "could not store"), a frame the schema
// rejects closes only its own connection with a protocol close code (or, for a frame larger than
// the pre-hello budget sent before the hello, is dropped: 1006, as loop.ts says), the good agent is never
// disconnected and its collections finish with exactly their rows, and nothing of the corpus is
// stored anywhere except the rogue's own client record and its own CLIENT_EVENT stream.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { rowsContaining, testDatabaseTargets } from "@/drizzle/testing";
import type { Database } from "@/drizzle";
import { newIdentity, type Identity } from "../client/identity";
import { permissionsOf } from "../server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { LIMITS } from "../protocol";
import { expandFrame } from "../protocol/testdata/fuzz/expand";
import type { Corpus, FuzzCase } from "../protocol/testdata/fuzz/generate";
import { FIXTURE_ARTIFACTS, startTestAgent, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

const corpus = JSON.parse(readFileSync(new URL("../protocol/testdata/fuzz/corpus.json", import.meta.url), "utf8")) as Corpus;
const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const MARKER = "zzfuzz";
/** The codes a refused frame may close with: unsupported data, policy (schema, order), too big, refused hello, replaced. */
const PROTOCOL_CLOSES = new Set([1003, 1008, 1009, 4001, 4408]);

type Outcome = { closed?: number; reason?: string; answered: string[]; sentBytes?: number };

const LANES = 3;

for (const target of testDatabaseTargets()) describe(`the agent fuzz corpus on ${target.name}`, () => {
  let s: TestServer;
  let db: Database;
  let token: string;
  let good: ReturnType<typeof startTestAgent>;
  const goodLogs: string[] = [];
  // Rogue agents: enrolled (their hello is valid), then hostile. Lanes run cases side by side.
  const rogues: Identity[] = Array.from({ length: LANES }, () => newIdentity());
  const seqs = rogues.map(() => 1);
  let flowOther = "";

  beforeAll(async () => {
    db = await target.open();
    const artifacts = [...FIXTURE_ARTIFACTS, { name: "Test.Events", type: "CLIENT_EVENT", parameters: [], sources: [{ query: "EVENTS" }] }];
    s = await startTestServer({ database: db, artifactSource: testArtifacts(artifacts), agentHeartbeatMs: 60_000 });
    token = await s.engine.clients.ensureDeploymentToken();
    good = startTestAgent({ url: s.url, token, hostname: "good-01", logs: goodLogs });
    await waitFor(() => s.engine.agents.isLocal(good.clientId), "the good agent to connect");
    flowOther = (await s.engine.flows.collect(admin, { clientId: good.clientId, artifacts: ["Test.Rows"], parameters: { Count: "3" } })).flowId;
    await waitFor(async () => (await s.engine.flows.get(admin, good.clientId, flowOther)).state === "FINISHED", "the first collection");
  }, 60_000);
  afterAll(async () => {
    await good?.stop();
    await s?.close();
  });

  /**
   * One case on a fresh connection of rogue `lane`: what the server answered and how it closed.
   * No timing guesses: before a hello the server always answers (welcome, refused or a close);
   * after one, a well-formed probe follows the case, and its ack says the case was dealt with.
   */
  async function run(c: FuzzCase, lane: number): Promise<Outcome> {
    const rogue = rogues[lane]!;
    const ws = new WebSocket(s.url.replace("http", "ws") + "/api/ws/agent");
    const out: Outcome = { answered: [] };
    ws.on("error", () => {});
    const closed = new Promise<void>((r) =>
      ws.on("close", (code, reason) => {
        out.closed = code;
        out.reason = reason.toString();
        r();
      }),
    );
    const inbox: Array<{ type: string; nonce?: string; seq?: number }> = [];
    ws.on("message", (d) => {
      const m = JSON.parse(String(d)) as { type: string; nonce?: string; seq?: number };
      inbox.push(m);
      out.answered.push(m.type);
    });
    const until = (what: string, ok: (m: { type: string; seq?: number }) => boolean) =>
      waitFor(() => inbox.find(ok) ?? (out.closed !== undefined ? { type: "closed" } : undefined), `${what} for ${c.id}`, 15_000);
    const challenge = await until("challenge", (m) => m.type === "challenge");
    const values = {
      seq: () => seqs[lane]!++,
      flowOther,
      clientOther: good.clientId,
      clientSelf: rogue.clientId,
      publicKey: rogue.publicKey,
      signature: rogue.signHello(challenge.nonce ?? ""),
      token,
    };
    let open = false;
    if (c.phase === "after-hello") {
      ws.send(JSON.stringify({ type: "hello", version: 1, clientId: rogue.clientId, publicKey: rogue.publicKey, signature: values.signature, token, agent: { name: "rogue", version: "1" }, inFlight: [] }));
      if ((await until("welcome", (m) => m.type === "welcome")).type !== "welcome") throw new Error(`the rogue's hello was not welcomed (${out.closed} ${out.reason})`);
      out.answered = [];
      open = true;
    }
    const frame = expandFrame(c.frame, values);
    out.sentBytes = Buffer.byteLength(frame);
    ws.send(frame, { binary: Boolean(c.binary) });
    if (!open) open = (await until("an answer", (m) => m.type === "welcome" || m.type === "refused")).type === "welcome";
    if (open && out.closed === undefined) {
      const probe = values.seq();
      ws.send(JSON.stringify({ type: "log", seq: probe, flowId: "F.00000000PROBE", entries: [{ time: 1, level: "INFO", message: "probe" }] }));
      await until("the probe's ack", (m) => m.type === "ack" && m.seq === probe);
    }
    if (out.closed === undefined) {
      ws.close(1000);
      await closed;
      // Our own close comes back as 1000; any other code is the server's, sent first.
      if (out.closed === 1000) out.closed = undefined;
    }
    return out;
  }

  /** Runs cases over the lanes while the good agent collects; returns what went wrong. */
  async function runCorpus(cases: FuzzCase[]): Promise<{ wrong: string[]; finished: number; elapsed: number }> {
    let collecting = true;
    let finished = 0;
    const wrong: string[] = [];
    // The good agent collects all along; every collection must finish with exactly its rows.
    const background = (async () => {
      while (collecting) {
        const f = await s.engine.flows.collect(admin, { clientId: good.clientId, artifacts: ["Test.Rows"], parameters: { Count: "200" } });
        const done = await waitFor(async () => {
          const x = await s.engine.flows.get(admin, good.clientId, f.flowId);
          return x.state !== "RUNNING" && x.state !== "WAITING" ? x : undefined;
        }, "a background collection", 30_000);
        if (done.state !== "FINISHED" || done.totalRows !== 200) wrong.push(`good agent's collection ${f.flowId}: ${done.state} with ${done.totalRows} rows`);
        finished++;
        await sleep(100);
      }
    })();
    const t0 = Date.now();
    const queue = [...cases];
    await Promise.all(
      rogues.map(async (_r, lane) => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          const o = await run(c, lane);
          const label = `${c.id} ${c.phase} ${c.name}: closed ${o.closed ?? "no"} ${o.reason ?? ""} answered [${o.answered.join(",")}]`;
          const dropped = c.phase === "before-hello" && (o.sentBytes ?? 0) > LIMITS.preHelloBytes && o.closed === 1006;
          if (o.closed !== undefined && !PROTOCOL_CLOSES.has(o.closed) && !dropped) wrong.push(`${label} — not a protocol close`);
          else if (!c.decodes && o.closed === undefined) wrong.push(`${label} — the schema rejects it, yet the connection stayed open`);
        }
      }),
    );
    const elapsed = Date.now() - t0;
    collecting = false;
    await background;
    // The good agent never lost its connection, and still works.
    for (const l of goodLogs.splice(0)) if (/disconnected|failed/.test(l)) wrong.push(`good agent: ${l}`);
    const last = await s.engine.flows.collect(admin, { clientId: good.clientId, artifacts: ["Test.Rows"], parameters: { Count: "5" } });
    await waitFor(async () => (await s.engine.flows.get(admin, good.clientId, last.flowId)).state === "FINISHED", "a collection after the corpus", 20_000);
    for (const l of s.logs.splice(0)) if (/^ERROR/.test(l)) wrong.push(`server: ${l.slice(0, 300)}`);
    return { wrong, finished, elapsed };
  }

  const fixed = corpus.cases.filter((c) => !c.knownIssue);
  const known = corpus.cases.filter((c) => c.knownIssue);

  it(`runs ${fixed.length} cases: bad frames close only their connection, the server keeps working`, async () => {
    const r = await runCorpus(fixed);
    expect(r.wrong).toEqual([]);
    expect(r.finished).toBeGreaterThan(0);
    expect((await s.engine.flows.get(admin, good.clientId, flowOther)).totalRows).toBe(3);
    console.log(`agent fuzz on ${target.name}: ${fixed.length} cases over ${LANES} connections in ${r.elapsed} ms; the good agent finished ${r.finished} collections meanwhile`);
  }, 240_000);

  // Expected to fail until the finding is fixed; then this fails: remove the knownIssue markers.
  // (None are open: issue 13 item 6's three NUL and deep-nesting cases are fixed.)
  if (known.length) it.fails(`known findings (${[...new Set(known.map((c) => c.knownIssue))].join(", ")}): ${known.map((c) => c.name).join("; ")}`, async () => {
    const r = await runCorpus(known);
    if (r.wrong.length) console.log(`known findings still seen on ${target.name}:\n  ${r.wrong.join("\n  ")}`);
    expect(r.wrong).toEqual([]);
  }, 120_000);

  it("nothing of the corpus is stored, except on a rogue's own record and its own event stream", async () => {
    const ids = new Set<string>(rogues.map((r) => r.clientId));
    const found = await rowsContaining(db.db, MARKER);
    const allowed = (f: { table: string; row: Record<string, unknown> }) => {
      if (!ids.has(String(f.row.client_id ?? f.row.clientId))) return false;
      if (f.table === "clients") return true;
      return f.table === "events" && f.row.queue === "Test.Events";
    };
    expect(found.filter((f) => !allowed(f)).map((f) => `${f.table}: ${JSON.stringify(f.row).slice(0, 300)}`)).toEqual([]);
    // The good agent's first flow has its own three rows only.
    const page = await s.engine.flows.results(admin, { clientId: good.clientId, flowId: flowOther, artifact: "Test.Rows", offset: 0, limit: 100 });
    expect(page.rows.map((r) => r.Text)).toEqual(["row 0", "row 1", "row 2"]);
    // No client was made up from a forged hello.
    expect((await s.engine.clients.search(admin, { query: "all", limit: 100 })).items.map((c) => c.clientId).sort()).toEqual([good.clientId, ...ids].sort());
  });
});
