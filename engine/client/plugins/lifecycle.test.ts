// STYLE §6 for every agent builtin, table-driven: (1) on this Linux machine, consume one row
// and break: the builtin's producer has finished (its finally ran) and no file descriptors,
// timers, sockets or child processes are left behind; (2) on an endpoint whose every call
// hangs for ever (and ignores the signal), an abort mid-await ends the query within 100 ms.
// Event sources get their rows from something the case does meanwhile (`during`).
import { leftOpen, lifecycleTracker, openResources } from "../../vql/testdata/lifecycle";
import { appendFileSync, chmodSync, mkdtempSync, rmSync, unlinkSync, watch, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql } from "../../vql";
import { MemoryOutbox } from "../connection/outbox";
import { FlowResponder } from "../responder/responder";
import { clientBuiltins } from ".";
import type { AgentVqlHost } from "./host";
import { createLinuxSystem } from "./linux";
import type { EndpointSystem } from "./system";

const dir = mkdtempSync(join(tmpdir(), "talon-lifecycle-"));
const big = join(dir, "big.bin");
const log = join(dir, "app.log");
const changing = join(dir, "changing.txt");
const fakeJournalctl = join(dir, "journalctl");
let server: Server;

/** Every 50 ms, `f()` (returns the stop function). */
const every = (f: () => void) => () => {
  const t = setInterval(f, 50);
  return () => clearInterval(t);
};

/**
 * Each case: a query whose rows come from the builtin (functions are called once per row),
 * optionally its own endpoint, and what to do while it runs so that an event source has rows.
 */
const CASES: Record<string, { vql: string; needsFlow?: boolean; system?: () => EndpointSystem; during?: () => () => void }> = {
  info: { vql: "SELECT * FROM info()" },
  pslist: { vql: "SELECT * FROM pslist()" },
  getpid: { vql: "SELECT * FROM pslist(pid=getpid())" },
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
  watch_syslog: { vql: `SELECT * FROM watch_syslog(filename='${log}')`, during: every(() => appendFileSync(log, "a line\n")) },
  watch_journald: { vql: "SELECT * FROM watch_journald()", system: () => createLinuxSystem({ journalctl: fakeJournalctl }) },
  watch_files: {
    vql: `SELECT * FROM watch_files(globs='${changing}')`,
    during: every(() => {
      try {
        unlinkSync(changing);
      } catch {
        writeFileSync(changing, "x");
      }
    }),
  },
  process_tracker_get: { vql: "SELECT process_tracker_get(id=1) AS P FROM range(end=1000000)" },
  process_tracker_callchain: { vql: "SELECT process_tracker_callchain(id=1) AS C FROM range(end=1000000)" },
};

const { finished, tracked } = lifecycleTracker();
const names = new Set(clientBuiltins.map((b) => b.name));
const registry = createRegistry([...portableBuiltins.filter((b) => !names.has(b.name)), ...clientBuiltins.map(tracked)]);

function hostFor(system: EndpointSystem, needsFlow?: boolean): AgentVqlHost {
  if (!needsFlow) return { system };
  return { system, flow: { flowId: "F.LIFECYCLE", artifact: "Test", responder: new FlowResponder(new MemoryOutbox(), "F.LIFECYCLE"), permissions: new Set(["EXECVE"]) } };
}

/** Open file descriptors and Node's active handles by type (timers, sockets, pipes, processes). */
beforeAll(async () => {
  writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 7));
  writeFileSync(join(dir, "small.txt"), "small");
  // A journalctl that prints one entry, then waits like `journalctl -f` does.
  writeFileSync(fakeJournalctl, `#!/bin/sh\necho '{"__REALTIME_TIMESTAMP":"1700000000000000","MESSAGE":"hello"}'\nexec sleep 60\n`);
  chmodSync(fakeJournalctl, 0o755);
  // libuv opens one inotify descriptor per event loop the first time anything is watched and
  // keeps it: open it now, so that it is not counted as left open by watch_files().
  watch(dir).close();
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
      const host = hostFor(c.system?.() ?? system, c.needsFlow);
      const stop = c.during?.();
      const before = openResources();
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
      stop?.();
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
    events: { followLines: never, journal: hang, watchFiles: hang },
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
