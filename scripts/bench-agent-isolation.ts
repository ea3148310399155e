// `npm run bench:agent-isolation [-- --heartbeat-ms 1000 --workers 2]`: a test server and the
// local agent (createLocalAgent, two query workers; `--workers 0`: in-process) in this process. Prints how long the agent's workers
// take to start, then for a harmless flow (the baseline) and each abusive CLIENT source (25 lazy
// string doublings, count() over a billion rows) started with a short timeout, once the workers
// are ready: when its flow ended and how, the longest gap of a 20 ms interval timer on the
// agent's thread meanwhile, how long a second flow (3,000 rows) started beside it took, and
// whether the agent stayed connected (the server drops an agent silent for three heartbeats).
// Figures in docs/query-isolation.md ("Agent").
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createLocalAgent } from "../engine/client/local";
import { startTestServer, testArtifacts, waitFor } from "../engine/integration/harness";
import { permissionsOf } from "../engine/server/auth/roles";
import type { ArtifactDefinition, Principal } from "../engine/server/contracts";
import { log } from "./bench-support";

const { values } = parseArgs({ options: { "heartbeat-ms": { type: "string", default: "1000" }, workers: { type: "string", default: "2" } } });
const WORKERS = Number(values.workers);
const DOUBLINGS = ["LET s0 = 'xx'", ...Array.from({ length: 25 }, (_, i) => `LET s${i + 1} = s${i} + s${i}`), "SELECT len(list=s25) AS Len FROM scope()"].join("\n");
const FIXTURES: ArtifactDefinition[] = [
  { name: "Bench.Doublings", type: "CLIENT", parameters: [], sources: [{ query: DOUBLINGS }] },
  { name: "Bench.Count", type: "CLIENT", parameters: [], sources: [{ query: "SELECT count() AS N FROM range(end=1000000000) GROUP BY 1" }] },
  { name: "Bench.Rows", type: "CLIENT", parameters: [], sources: [{ query: "SELECT _value AS N FROM range(end=3000)" }] },
];
const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };

const dir = mkdtempSync(join(tmpdir(), "talon-bench-agent-iso-"));
const s = await startTestServer({ artifactSource: testArtifacts(FIXTURES), dataDir: undefined, memory: true, agentHeartbeatMs: Number(values["heartbeat-ms"]) });
const logs: string[] = [];
const benchStart = Date.now();
const timed = (level: string, message: string, fields?: Record<string, unknown>) => logs.push(`+${((Date.now() - benchStart) / 1000).toFixed(1)} s ${level} ${message} ${fields ? JSON.stringify(fields) : ""}`);
const t0 = performance.now();
const agent = createLocalAgent({ server: s.url, token: await s.engine.clients.ensureDeploymentToken(), stateDir: join(dir, "state"), version: "bench", log: timed, isolation: { workers: WORKERS, heapMb: 512, graceMs: 1000, retireHeapMb: 256 } });
await agent.queryWorkers?.warmed();
log(`${WORKERS} agent query workers ready in ${Math.round(performance.now() - t0)} ms`);
void agent.run();
await waitFor(() => s.engine.agents.isLocal(agent.clientId), "connect");

async function ended(flowId: string) {
  return waitFor(async () => {
    const f = await s.engine.flows.get(admin, agent.clientId, flowId);
    return ["FINISHED", "ERROR", "TIMEOUT", "CANCELLED"].includes(f.state) ? f : undefined;
  }, flowId, 120_000);
}

// First a harmless flow as the baseline: the timer gap it sees is this process's own (the test
// server and PGlite share the agent's thread here) and the machine's load.
for (const [artifact, timeoutSec] of [["Bench.Rows", 5], ["Bench.Doublings", 5], ["Bench.Count", 3]] as const) {
  await agent.queryWorkers?.warmed();
  let last = performance.now();
  let gap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 20);
  log(`+${((Date.now() - benchStart) / 1000).toFixed(1)} s: ${artifact}`);
  const start = performance.now();
  const f = await s.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: [artifact], timeoutSec });
  const otherStart = performance.now();
  const other = await s.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Bench.Rows"] });
  const o = await ended(other.flowId);
  const otherMs = performance.now() - otherStart;
  const done = await ended(f.flowId);
  const ms = performance.now() - start;
  clearInterval(timer);
  log(
    `${artifact} (timeout ${timeoutSec} s): ${done.state} after ${(ms / 1000).toFixed(2)} s; longest timer gap on the agent's thread ${Math.round(gap)} ms; ` +
      `a 3,000-row flow beside it: ${o.state} in ${Math.round(otherMs)} ms; still connected: ${s.engine.agents.isLocal(agent.clientId)}`,
  );
}
const drops = logs.filter((l) => /disconnected|connection to the server failed/.test(l));
log(`disconnects: ${drops.length}${drops.length ? `\n  ${drops.join("\n  ")}` : ""}`);
await agent.stop();
await s.close();
rmSync(dir, { recursive: true, force: true });
