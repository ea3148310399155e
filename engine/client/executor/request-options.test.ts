// Request options on the agent: an artifact's own time limit (its resources.timeout, sent as
// the artifact's timeoutMs) replaces the flow's for its sources; collect_client(urgent=TRUE): Velociraptor's urgent collections "skip other
// queued collections on the client" (vql/server/flows/create.go), so an urgent flow starts at
// once even when every slot is busy, ahead of the flows already waiting.
import { describe, expect, it } from "vitest";
import type { CollectMessage } from "../../protocol";
import { MemoryOutbox } from "../connection/outbox";
import { Executor } from "./executor";
import type { SourceRunner } from "./types";

function message(flowId: string, urgent?: boolean): CollectMessage {
  return {
    type: "collect",
    flowId,
    artifacts: [{ name: "T", env: {}, sources: [{ name: "T", query: "SELECT 1 FROM scope()" }] }],
    timeoutMs: 10_000,
    maxRows: 10,
    maxUploadBytes: 0,
    permissions: [],
    creator: "t",
    ...(urgent ? { urgent } : {}),
  };
}

describe("urgent collections", () => {
  it("start at once, ahead of queued ones, even with every slot busy", async () => {
    const started: string[] = [];
    const release = new Map<string, () => void>();
    const runner: SourceRunner = {
      precondition: async () => true,
      async *run(_vql, ctx) {
        started.push(ctx.flowId);
        await new Promise<void>((resolve) => release.set(ctx.flowId, resolve));
      },
    };
    const ex = new Executor({ outbox: new MemoryOutbox(), runner, concurrency: 1, maxWaitMs: 1 });
    ex.collect(message("F.A"));
    ex.collect(message("F.B"));
    ex.collect(message("F.C", true));
    await new Promise((r) => setTimeout(r, 50));
    expect(started).toEqual(["F.A", "F.C"]);
    release.get("F.A")!();
    release.get("F.C")!();
    await new Promise((r) => setTimeout(r, 50));
    expect(started).toEqual(["F.A", "F.C", "F.B"]);
    release.get("F.B")!();
    await ex.whenIdle();
  });
});

describe("an artifact's own time limit", () => {
  it("ends its sources at that limit, not the flow's", async () => {
    const aborted: Array<[string, number]> = [];
    const runner: SourceRunner = {
      precondition: async () => true,
      async *run(_vql, ctx) {
        const t0 = Date.now();
        await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
        aborted.push([ctx.artifact, Date.now() - t0]);
      },
    };
    const ex = new Executor({ outbox: new MemoryOutbox(), runner, maxWaitMs: 1 });
    const m = message("F.T");
    m.artifacts = [{ ...m.artifacts[0]!, timeoutMs: 50 }];
    m.timeoutMs = 60_000;
    ex.collect(m);
    await ex.whenIdle();
    expect(aborted).toHaveLength(1);
    expect(aborted[0]![1]).toBeLessThan(5_000);
  });
});
