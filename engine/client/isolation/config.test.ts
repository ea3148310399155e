// The agent's isolation settings from the environment, and how `talon serve` hands them to its
// local agent, whose environment is scrubbed (local-agent-settings.ts).
import { describe, expect, it } from "vitest";
import { agentIsolationEnv, LocalAgentSettingsSchema } from "@/engine/cli/local-agent-settings";
import { agentIsolationFromEnv } from "./config";

describe("agent isolation settings", () => {
  it("defaults to two workers of 512 MB, a 1 s grace period and up to 8 event-query workers; 0 workers runs in-process", () => {
    expect(agentIsolationFromEnv({})).toEqual({ workers: 2, eventWorkers: 8, heapMb: 512, graceMs: 1000, retireHeapMb: 256 });
    expect(agentIsolationFromEnv({ TALON_AGENT_EVENT_WORKERS: "0" }).eventWorkers).toBe(0);
    expect(agentIsolationFromEnv({ TALON_AGENT_VQL_WORKERS: "0", TALON_AGENT_VQL_WORKER_HEAP_MB: "8", TALON_AGENT_VQL_STOP_GRACE_MS: "250" })).toMatchObject({ workers: 0, heapMb: 64, graceMs: 250 });
    expect(agentIsolationFromEnv({ TALON_AGENT_VQL_WORKERS: "many" }).workers).toBe(2);
  });

  it("reach the local agent through its settings, only the four names", () => {
    const env = { TALON_AGENT_VQL_WORKERS: "3", TALON_AGENT_VQL_STOP_GRACE_MS: "", DATABASE_URL: "postgres://secret" };
    const settings = LocalAgentSettingsSchema.parse({ server: "http://127.0.0.1:1", token: "t", stateDir: "/s", serverDataDir: "/d", serverPid: 1, isolationEnv: agentIsolationEnv(env) });
    expect(settings.isolationEnv).toEqual({ TALON_AGENT_VQL_WORKERS: "3" });
    expect(agentIsolationFromEnv(settings.isolationEnv).workers).toBe(3);
    expect(LocalAgentSettingsSchema.safeParse({ ...settings, isolationEnv: { PATH: "/bin" } }).success).toBe(false);
  });
});
