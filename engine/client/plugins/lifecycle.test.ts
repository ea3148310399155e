// STYLE §6 for every agent builtin, table-driven: (1) on this Linux machine, consume one row
// and break: the builtin's producer has finished (its finally ran) and no file descriptors,
// timers, sockets or child processes are left behind; (2) on an endpoint whose every call
// hangs for ever (and ignores the signal), an abort mid-await ends the query within 100 ms.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql, type Builtin } from "../../vql";
import { MemoryOutbox } from "../connection/outbox";
import { FlowResponder } from "../responder/responder";
import { clientBuiltins } from ".";
import type { AgentVqlHost } from "./host";
import { createLinuxSystem } from "./linux";
import type { EndpointSystem } from "./system";

const dir = mkdtempSync(join(tmpdir(), "talon-lifecycle-"));
const big = join(dir, "big.bin");
let server: Server;

/** Each case: a query whose rows come from the builtin (functions are called once per row). */
const CASES: Record<string, { vql: string; needsFlow?: boolean }> = {
  info: { vql: "SELECT * FROM info()" },
  pslist: { vql: "SELECT * FROM pslist()" },
  users: { vql: "SELECT * FROM users()" },
  uptime: { vql: "SELECT uptime() AS U FROM range(end=1000000)" },
  netstat: { vql: "SELECT * FROM netstat()" },
  connections: { vql: "SELECT * FROM connections()" },
  interfaces: { vql: "SELECT * FROM interfaces()" },
  glob: { vql: `SELECT * FROM glob(globs='**', root='${dir}')` },
  stat: { vql: `SELECT * FROM stat(filename=['${big}', '${dir}'])` },
  read_file: { vql: `SELECT read_file(filename='${big}', length=1000000) AS D FROM range(end=1000000)` },
  hash: { vql: `SELECT hash(path='${big}') AS H FROM range(end=1000000)` },
  upload: { vql: `SELECT upload(file='${big}') AS U FROM range(end=1000000)`, needsFlow: true },
  execve: { vql: "SELECT * FROM execve(argv=['yes'], length=64)", needsFlow: true },
};

// Every producer is wrapped: `finished` records that its finally ran (or that a function's
// call settled).
const finished = new Set<string>();
function tracked(b: Builtin): Builtin {
  if (b.kind === "plugin") {
    const run = b.run;
    return {
      ...b,
      run: async function* (args: never, ctx: never, rest: never) {
        try {
          yield* run(args, ctx, rest) as AsyncIterable<unknown>;
        } finally {
          finished.add(b.name);
        }
      },
    } as Builtin;
  }
  const run = b.run;
  return { ...b, run: (args: never, ctx: never, rest: never) => Promise.resolve(run(args, ctx, rest)).finally(() => finished.add(b.name)) } as Builtin;
}
const names = new Set(clientBuiltins.map((b) => b.name));
const registry = createRegistry([...portableBuiltins.filter((b) => !names.has(b.name)), ...clientBuiltins.map(tracked)]);

function hostFor(system: EndpointSystem, needsFlow?: boolean): AgentVqlHost {
  if (!needsFlow) return { system };
  return { system, flow: { flowId: "F.LIFECYCLE", artifact: "Test", responder: new FlowResponder(new MemoryOutbox(), "F.LIFECYCLE"), permissions: new Set(["EXECVE"]) } };
}

/** Open file descriptors and Node's active handles by type (timers, sockets, pipes, processes). */
function resources(): Record<string, number> {
  const counts: Record<string, number> = { fds: readdirSync("/proc/self/fd").length };
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

/** What is open now beyond `before` (an earlier test's handle that has gone since is no leak). */
function beyond(before: Record<string, number>): Record<string, number> {
  const extra: Record<string, number> = {};
  for (const [k, n] of Object.entries(resources())) if (n > (before[k] ?? 0)) extra[k] = n - (before[k] ?? 0);
  return extra;
}

// The evaluator closes a stream that is inside an await with a 1 s (unref'd) grace timer, so
// handles may take up to that long to go.
const SETTLE_MS = 1500;

/** Handles still open beyond `before` once they had SETTLE_MS to close. */
async function leftOpen(before: Record<string, number>): Promise<Record<string, number>> {
  let extra = beyond(before);
  for (let waited = 0; waited < SETTLE_MS && Object.keys(extra).length; waited += 25) {
    await new Promise((r) => setTimeout(r, 25));
    extra = beyond(before);
  }
  return extra;
}

beforeAll(async () => {
  writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 7));
  writeFileSync(join(dir, "small.txt"), "small");
  // A listening socket, so netstat() and connections() have rows.
  server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

it("the table covers every agent builtin", () => {
  expect(Object.keys(CASES).sort()).toEqual(clientBuiltins.map((b) => b.name).sort());
});

describe("agent builtins: one row, then break", () => {
  const system = createLinuxSystem();
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}(): the producer finished and nothing is left open`, async () => {
      const host = hostFor(system, c.needsFlow);
      const before = resources();
      // Warm up once (lazy module state, first-use caches), then measure.
      for await (const e of runVql(c.vql, { registry, host })) if (e.kind === "row") break;
      finished.delete(name);
      let rows = 0;
      for await (const e of runVql(c.vql, { registry, host })) {
        if (e.kind === "row") {
          rows++;
          break;
        }
      }
      expect(rows).toBe(1);
      expect(finished.has(name)).toBe(true);
      expect(await leftOpen(before)).toEqual({});
    });
  }
});

/** An endpoint where every call waits for ever and ignores the signal. */
function hangingSystem(): EndpointSystem {
  const never = <T>() => new Promise<T>(() => {});
  const hang = <T>(): AsyncIterable<T> => ({ [Symbol.asyncIterator]: () => ({ next: () => never<IteratorResult<T>>() }) });
  return {
    info: never,
    processes: hang,
    connections: hang,
    users: never,
    interfaces: never,
    uptime: never,
    fs: { glob: hang, stat: never, read: hang },
    execve: hang,
  };
}

describe("agent builtins: abort while the endpoint hangs", () => {
  const system = hangingSystem();
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}(): the query ends within 100 ms of the abort`, async () => {
      const ac = new AbortController();
      let abortedAt = 0;
      setTimeout(() => {
        abortedAt = performance.now();
        ac.abort();
      }, 30);
      const events: string[] = [];
      for await (const e of runVql(c.vql, { registry, host: hostFor(system, c.needsFlow), signal: ac.signal })) events.push(e.kind);
      expect(abortedAt).toBeGreaterThan(0);
      expect(performance.now() - abortedAt).toBeLessThan(100);
      expect(events).not.toContain("row");
    });
  }
});
