// The agent's base scope (`config`): every collection and client event query starts with it,
// and a collection's own env (its parameters) overrides a variable of the same name, as
// Velociraptor sets the request's env after `config`.
import { describe, expect, it } from "vitest";
import type { CollectMessage } from "../../protocol";
import { MemoryOutbox } from "../connection/outbox";
import { Executor } from "./executor";
import type { SourceRunner } from "./types";

function message(flowId: string, env: Record<string, unknown>): CollectMessage {
  return {
    type: "collect",
    flowId,
    artifacts: [{ name: "T", env, sources: [{ name: "T", query: "SELECT 1 FROM scope()" }] }],
    timeoutMs: 10_000,
    maxRows: 10,
    maxUploadBytes: 0,
    permissions: [],
    creator: "t",
  };
}

describe("the executor's base env", () => {
  it("is under every collection's env, which overrides it", async () => {
    const seen = new Map<string, Record<string, unknown>>();
    const runner: SourceRunner = {
      precondition: async () => true,
      // eslint-disable-next-line require-yield
      async *run(_vql, ctx) {
        seen.set(ctx.flowId, ctx.env);
      },
    };
    const ex = new Executor({ outbox: new MemoryOutbox(), runner, maxWaitMs: 1, baseEnv: { config: "base", Other: 1 } });
    ex.collect(message("F.A", { Param: "x" }));
    ex.collect(message("F.B", { config: "mine" }));
    await new Promise((r) => setTimeout(r, 50));
    await ex.whenIdle();
    // `_SessionId` is the flow, as Velociraptor's client sets it (Linux.Sys.BashShell keys on it).
    expect(seen.get("F.A")).toEqual({ config: "base", Other: 1, _SessionId: "F.A", Param: "x" });
    expect(seen.get("F.B")).toEqual({ config: "mine", Other: 1, _SessionId: "F.B" });
  });
});
