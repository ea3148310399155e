// The agent's isolated runner with real worker threads, without a server: `Artifact.X()`
// resolved in the worker from the definitions sent as data, preconditions, alerts' data across
// the port, back-pressure on rows (credit) and on uploads (acknowledged chunks) while the outbox
// is full, an upload refused by the main thread's responder (the flow's budget) ending the
// worker's reading, a consumer that stops early giving a healthy worker back, and a query over
// its worker's heap limit ending that worker only.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryOutbox } from "../connection/outbox";
import type { SourceContext, SourceEvent } from "../executor/types";
import { FlowResponder } from "../responder/responder";
import { createAgentWorkerPool, type AgentQueryWorker, type AgentWorkerPool } from "./pool";
import type { FromAgentWorker } from "./protocol";
import { UPLOAD_IN_FLIGHT } from "./upload-client";
import { createIsolatedVqlRunner } from "./runner";

const INNER = `name: Test.Inner
type: CLIENT
parameters:
  - name: Word
    default: hello
sources:
  - query: SELECT Word AS W, 1 AS A FROM scope()
`;

let pool: AgentWorkerPool;
const dir = mkdtempSync(join(tmpdir(), "talon-agent-runner-"));
beforeAll(async () => {
  pool = createAgentWorkerPool({ workers: 1, heapMb: 64, graceMs: 500, retireHeapMb: 256 });
  pool.warm();
  await pool.warmed();
}, 60_000);
afterAll(async () => {
  await pool?.close();
  rmSync(dir, { recursive: true, force: true });
});

function context(o: Partial<SourceContext> & { maxUploadBytes?: number } = {}): SourceContext & { outbox: MemoryOutbox } {
  const outbox = new MemoryOutbox();
  const responder = new FlowResponder(outbox, "F.1", { maxUploadBytes: o.maxUploadBytes, maxWaitMs: 5 });
  return { flowId: "F.1", artifact: "Test", env: {}, signal: new AbortController().signal, maxRows: 10_000, permissions: new Set(), responder, outbox, ...o };
}

async function all(it: AsyncIterable<SourceEvent>): Promise<SourceEvent[]> {
  const out: SourceEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const runner = () => createIsolatedVqlRunner(pool, { graceMs: 500, heapMb: 64 });

/** Counts the messages of each type the next worker taken from the pool posts. */
function countNextWorker(): Record<string, number> {
  const counts: Record<string, number> = {};
  const acquire = pool.acquire.bind(pool);
  pool.acquire = async (signal) => {
    const w: AgentQueryWorker = await acquire(signal);
    pool.acquire = acquire;
    const count = (m: FromAgentWorker) => void (counts[m.type] = (counts[m.type] ?? 0) + 1);
    w.worker.on("message", count);
    w.attach = ((attach) => (onMessage, onExit) => {
      if (!onMessage) w.worker.off("message", count);
      attach.call(w, onMessage, onExit);
    })(w.attach);
    return w;
  };
  return counts;
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe("the agent's isolated runner", () => {
  it("resolves Artifact.X() in the worker from the definitions sent as data", async () => {
    const ctx = context({ definitions: [{ name: "Test.Inner", yaml: INNER }], env: { Greeting: "hi" } });
    const events = await all(runner().run("SELECT W, A FROM Artifact.Test.Inner(Word=Greeting)", ctx));
    expect(events).toEqual([{ kind: "row", columns: ["W", "A"], row: { W: "hi", A: 1 }, size: '{"W":"hi","A":1}'.length }]);
    // Without the definitions the call is unknown, as on the main thread.
    const unknown = await all(runner().run("SELECT * FROM Artifact.Test.Inner()", context()));
    expect(unknown).toEqual([expect.objectContaining({ kind: "log", level: "ERROR", message: expect.stringContaining("Artifact.Test.Inner") })]);
  }, 30_000);

  it("answers preconditions", async () => {
    expect(await runner().precondition("SELECT 1 FROM scope() WHERE TRUE", context())).toBe(true);
    expect(await runner().precondition("SELECT 1 FROM scope() WHERE FALSE", context())).toBe(false);
  }, 30_000);

  it("keeps an alert's data and a row's nested values across the port", async () => {
    const events = await all(runner().run("SELECT alert(name='Seen', severity='high', Data=dict(X=1, Y=[1, 'two'])) AS Raised, dict(B=2, A=1) AS D FROM scope()", context()));
    const alert = events.find((e) => e.kind === "alert");
    expect(alert).toMatchObject({ kind: "alert", name: "Seen", severity: "high", eventData: { Data: { X: 1, Y: [1, "two"] } } });
    const row = events.find((e) => e.kind === "row");
    expect(row).toMatchObject({ kind: "row", columns: ["Raised", "D"], row: { Raised: true, D: { B: 2, A: 1 } } });
    expect(Object.keys((row as unknown as { row: { D: object } }).row.D)).toEqual(["B", "A"]);
  }, 30_000);

  it("an upload over the flow's budget is refused by the main thread and the worker stops reading", async () => {
    const file = join(dir, "big.bin");
    writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 1));
    const ctx = context({ maxUploadBytes: 1000, env: { Path: file } });
    const events = await all(runner().run("SELECT upload(file=Path) AS U FROM scope()", ctx));
    expect(events).toEqual([
      { kind: "log", level: "ERROR", message: `upload: the upload of ${file} goes over the collection's upload limit of 1000 bytes` },
      expect.objectContaining({ kind: "row", row: { U: null } }),
    ]);
    // The worker is still healthy: the next source runs in it.
    expect(await all(runner().run("SELECT 2 AS Two FROM scope()", context()))).toEqual([expect.objectContaining({ row: { Two: 2 } })]);
  }, 30_000);

  it("rows wait in the worker while the outbox is full (credit), and all arrive once it drains", async () => {
    const ctx = context({ maxRows: 1_000_000 });
    const counts = countNextWorker();
    const events = runner().run("SELECT _value AS N FROM range(end=200000)", ctx)[Symbol.asyncIterator]();
    try {
      // The consumer takes 10 rows and stops taking (a full outbox): the worker may post only the
      // messages in its window (4) besides the one being taken, while range() could go on.
      for (let taken = 0; taken < 10; taken++) await events.next();
      await settle();
      await settle();
      expect(counts.out).toBeLessThanOrEqual(1 + 4);
      const seen: number[] = [];
      for (let e = await events.next(); !e.done; e = await events.next()) if (e.value.kind === "row") seen.push(e.value.row.N as number);
      expect(seen.length).toBe(200_000 - 10);
      expect(seen.at(-1)).toBe(199_999);
    } finally {
      await events.return?.(undefined);
    }
  }, 30_000);

  it("an upload waits in the worker while the responder's outbox is full (acknowledged chunks), and arrives whole", async () => {
    const file = join(dir, "large.bin");
    const content = randomBytes(16 * 1024 * 1024);
    writeFileSync(file, content);
    // An outbox of 1 MiB that nobody acks: the responder blocks after a few 256 KiB pieces.
    const outbox = new MemoryOutbox(1024 * 1024);
    const pieces: Buffer[] = [];
    const append = outbox.append.bind(outbox);
    outbox.append = (m, signal) => {
      if (m.type === "upload") pieces.push(Buffer.from(m.data, "base64"));
      return append(m, signal);
    };
    const ctx = { ...context({ env: { Path: file } }), responder: new FlowResponder(outbox, "F.1", { maxWaitMs: 5 }), outbox };
    const counts = countNextWorker();
    const done = all(runner().run("SELECT upload(file=Path) AS U FROM scope()", ctx));
    await settle();
    await settle();
    const posted = counts["upload-chunk"] ?? 0;
    expect(posted).toBeGreaterThan(0);
    // The file is 64 reads of 256 KiB. The responder takes a read per 256 KiB piece, and about
    // 350 KB of JSON per piece fit 3 pieces in the 1 MiB outbox: it has taken at most 4 reads,
    // and the worker may post UPLOAD_IN_FLIGHT (4) more; the rest waits for acks.
    expect(posted).toBeLessThanOrEqual(4 + UPLOAD_IN_FLIGHT);
    const acker = setInterval(() => outbox.ack(outbox.lastSeq), 5);
    const events = await done;
    clearInterval(acker);
    expect(events).toEqual([expect.objectContaining({ kind: "row", row: { U: expect.objectContaining({ Size: content.length, sha256: createHash("sha256").update(content).digest("hex") }) } })]);
    // What the responder sent is the file, byte for byte.
    expect(Buffer.concat(pieces).equals(content)).toBe(true);
  }, 60_000);

  it("a consumer that stops early cancels the run and gets a healthy worker back", async () => {
    for await (const e of runner().run("SELECT _value AS N FROM range(end=100000000)", context())) {
      expect(e).toMatchObject({ kind: "row", row: { N: 0 } });
      break;
    }
    expect(await all(runner().run("SELECT 3 AS Three FROM scope()", context()))).toEqual([expect.objectContaining({ row: { Three: 3 } })]);
    expect(pool.stats).toMatchObject({ running: 0, workers: 1 });
  }, 30_000);

  it("a query over its worker's heap limit ends that worker only; the next source gets a new one", async () => {
    const events = await all(runner().run("LET X <= SELECT _value AS N, format(format='%0100d', args=_value) AS Pad FROM range(end=900000)\nSELECT len(list=X) AS L FROM scope()", context()));
    expect(events).toEqual([{ kind: "log", level: "ERROR", message: "the query ran out of memory: its worker's heap limit is 64 MB (TALON_AGENT_VQL_WORKER_HEAP_MB)" }]);
    expect(await all(runner().run("SELECT 4 AS Four FROM scope()", context()))).toEqual([expect.objectContaining({ row: { Four: 4 } })]);
  }, 60_000);
});
