// Test harness for server + agent tests: the engine with its WebSocket routes on a plain HTTP
// server (no Next.js), an in-code artifact provider, and a scripted query runner for agents.
// Test code only; lives outside engine/server and engine/client so it may use both.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createAgent, type Agent } from "../client/agent";
import type { AgentLog } from "../client/connection/agent-connection";
import { MemoryOutbox, type Outbox } from "../client/connection/outbox";
import type { SourceEvent, SourceRunner } from "../client/executor/types";
import { newIdentity, type Identity } from "../client/identity";
import { authenticate } from "../server/http/gate";
import type { ArtifactDefinition, ArtifactSource, Engine, Logger } from "@/engine/server/contracts";
import { createEngine, type EngineOptions, type StartedEngine } from "../server/wiring";
import { createWsRouter } from "../server/ws/router";

export interface TestServer {
  url: string;
  engine: StartedEngine;
  logs: string[];
  close(): Promise<void>;
}

export function memoryLogger(lines: string[]): Logger {
  const put = (level: string) => (message: string, fields?: Record<string, unknown>) => lines.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ""}`);
  return { info: put("INFO"), warn: put("WARN"), error: put("ERROR") };
}

export async function startTestServer(
  opts: EngineOptions & { port?: number; onRequest?(req: IncomingMessage, res: ServerResponse, engine: Engine): Promise<void> } = {},
): Promise<TestServer> {
  const logs: string[] = [];
  const engine = await createEngine({ memory: !opts.dataDir && !opts.databaseUrl, log: memoryLogger(logs), ...opts });
  const router = createWsRouter({ log: engine.log, authenticate: (req) => authenticate(req, engine.accounts) });
  for (const r of engine.wsRoutes) router.add(r);
  const server: Server = createServer((req, res) => {
    if (!opts.onRequest) return void res.writeHead(404).end();
    opts.onRequest(req, res, engine).catch((err) => res.writeHead(500).end(String((err as Error).message)));
  });
  server.on("upgrade", (req, socket, head) => void router.handleUpgrade(req, socket, head).then((h) => h || socket.destroy()));
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    engine,
    logs,
    async close() {
      server.close();
      await router.closeAll();
      server.closeAllConnections();
      await engine.close();
    },
  };
}

/** Artifacts for tests (never used in production: the repository provides the real ones). */
export function testArtifacts(defs: ArtifactDefinition[]): ArtifactSource {
  const byName = new Map(defs.map((d) => [d.name, d]));
  return { get: (name) => byName.get(name), list: () => defs };
}

export const FIXTURE_ARTIFACTS: ArtifactDefinition[] = [
  { name: "Generic.Client.Info", type: "CLIENT", parameters: [], sources: [{ name: "BasicInformation", query: "INFO" }] },
  { name: "Test.Rows", type: "CLIENT", parameters: [{ name: "Count", default: "5" }], sources: [{ query: "ROWS" }] },
  { name: "Test.Slow", type: "CLIENT", parameters: [{ name: "Count", default: "3000" }, { name: "DelayMs", default: "1" }], sources: [{ query: "SLOW" }] },
  { name: "Test.Fails", type: "CLIENT", parameters: [], sources: [{ query: "FAIL" }] },
];

/**
 * A query runner that understands a few words instead of VQL: INFO (one host row), ROWS (Count
 * rows), SLOW (Count rows, DelayMs apart), FAIL (an ERROR log). Enough to test the plumbing.
 */
export function scriptedRunner(host: { hostname: string }): SourceRunner {
  return {
    async precondition() {
      return true;
    },
    async *run(vql, ctx): AsyncIterable<SourceEvent> {
      const count = Number(ctx.env.Count ?? 0);
      switch (vql) {
        case "INFO":
          yield { kind: "row", columns: ["Hostname", "Fqdn", "OS", "Platform", "PlatformVersion", "Architecture", "MACAddresses"], row: { Hostname: host.hostname, Fqdn: `${host.hostname}.example.com`, OS: "linux", Platform: "debian", PlatformVersion: "12", Architecture: "amd64", MACAddresses: ["02:00:00:00:00:01"] } };
          return;
        case "ROWS":
          for (let i = 0; i < count; i++) yield { kind: "row", columns: ["N", "Text"], row: { N: i, Text: `row ${i}` } };
          return;
        case "SLOW":
          for (let i = 0; i < count; i++) {
            ctx.signal.throwIfAborted();
            if (i % 10 === 0) await new Promise((r) => setTimeout(r, Number(ctx.env.DelayMs ?? 1)));
            yield { kind: "row", columns: ["N"], row: { N: i } };
          }
          return;
        case "FAIL":
          yield { kind: "log", level: "ERROR", message: "something broke" };
          return;
        default:
          yield { kind: "log", level: "ERROR", message: `unknown script ${vql}` };
      }
    },
  };
}

export function quietAgentLog(lines: string[] = []): AgentLog {
  return (level, message, fields) => lines.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ""}`);
}

/** `url`: one server; `urls`: several, in failover order (url is then ignored). */
export function startTestAgent(o: { url?: string; urls?: string[]; token?: string; identity?: Identity; outbox?: Outbox; runner?: SourceRunner; hostname?: string; logs?: string[] }): Agent & { done: ReturnType<Agent["run"]> } {
  const agent = createAgent({
    servers: o.urls ?? (o.url ? [o.url] : []),
    token: o.token,
    identity: o.identity ?? newIdentity(),
    outbox: o.outbox ?? new MemoryOutbox(),
    runner: o.runner ?? scriptedRunner({ hostname: o.hostname ?? "test-host" }),
    version: "test",
    log: quietAgentLog(o.logs),
    backoff: { baseMs: 50, maxMs: 400 },
    maxWaitMs: 20,
  });
  return Object.assign(agent, { done: agent.run() });
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    // A check that throws (the thing does not exist yet) counts as "not yet".
    const v = await Promise.resolve()
      .then(fn)
      .catch((err) => void (last = err));
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
