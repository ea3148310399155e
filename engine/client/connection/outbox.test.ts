import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff";
import { FileOutbox } from "./file-outbox";
import { MemoryOutbox } from "./outbox";

const dir = mkdtempSync(join(tmpdir(), "talon-outbox-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const log = (flowId: string, message: string) => ({ type: "log" as const, flowId, entries: [{ time: 1, level: "INFO" as const, message }] });

describe("outbox", () => {
  it("numbers messages, hands out the unacknowledged ones in order, and forgets acknowledged ones", async () => {
    const o = new MemoryOutbox();
    for (let i = 0; i < 5; i++) await o.append(log("F.0000000000001", `m${i}`));
    expect(o.pending(2, 10).map((m) => m.seq)).toEqual([3, 4, 5]);
    o.ack(3);
    expect(o.size()).toBe(2);
    expect(o.pending(0, 10).map((m) => m.seq)).toEqual([4, 5]);
    expect(o.flowsWithPending()).toEqual(["F.0000000000001"]);
  });

  it("is bounded: append() waits while full and continues after an ack", async () => {
    const o = new MemoryOutbox(1000);
    await o.append(log("F.0000000000001", "x".repeat(600)));
    await o.append(log("F.0000000000001", "y".repeat(10)));
    let done = false;
    const third = o.append(log("F.0000000000001", "z".repeat(600))).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    o.ack(2);
    await third;
    expect(done).toBe(true);
  });

  it("an abort while waiting for room rejects the append", async () => {
    const o = new MemoryOutbox(100);
    await o.append(log("F.0000000000001", "x".repeat(150)));
    const ac = new AbortController();
    const p = o.append(log("F.0000000000001", "more"), ac.signal);
    ac.abort(new Error("cancelled"));
    await expect(p).rejects.toThrow("cancelled");
  });

  it("FileOutbox keeps unacknowledged messages and the seq across a restart", async () => {
    const path = join(dir, "a");
    const first = new FileOutbox(path);
    for (let i = 0; i < 4; i++) await first.append(log("F.0000000000002", `m${i}`));
    first.ack(2);
    await first.close();
    const second = new FileOutbox(path);
    expect(second.pending(0, 10).map((m) => m.seq)).toEqual([3, 4]);
    expect((await second.append(log("F.0000000000002", "after restart"))).seq).toBe(5);
  });

  it("raiseSeq() continues numbering above the server's acknowledged seq when local state was lost", async () => {
    const o = new MemoryOutbox();
    o.raiseSeq(41);
    expect((await o.append(log("F.0000000000003", "x"))).seq).toBe(42);
  });
});

describe("backoff", () => {
  it("grows exponentially to the cap, with jitter between half and all of the step", () => {
    const o = { baseMs: 1000, maxMs: 60_000 };
    expect(backoffDelay(0, { ...o, random: () => 0 })).toBe(500);
    expect(backoffDelay(0, { ...o, random: () => 1 })).toBe(1000);
    expect(backoffDelay(3, { ...o, random: () => 1 })).toBe(8000);
    expect(backoffDelay(20, { ...o, random: () => 0.5 })).toBe(45_000);
  });
});
