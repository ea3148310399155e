// Test helpers for the notebooks service: principals by role, a recording UI hub, and a small
// scripted VQL runner (for tests of the service itself, not of the evaluator).
import { setTimeout as sleep } from "node:timers/promises";
import { permissionsOf } from "../../auth/roles";
import type { Principal } from "@/engine/server/contracts";
import type { CellQueryRunner, RunEvent } from "./deps";

export function principal(username: string, role: string): Principal {
  return { userId: `u-${username}`, username, role, permissions: permissionsOf(role), via: "session" };
}

export function recordingHub() {
  const published: { topic: string; message: Record<string, unknown> }[] = [];
  const authorizers = new Map<string, (p: Principal, topic: string) => Promise<boolean> | boolean>();
  return {
    published,
    authorizers,
    publish(topic: string, message: Record<string, unknown>) {
      published.push({ topic, message });
    },
    authorize(prefix: string, check: (p: Principal, topic: string) => Promise<boolean> | boolean) {
      authorizers.set(prefix, check);
    },
    of(type: string) {
      return published.filter((p) => p.message.type === type).map((p) => p.message);
    },
  };
}

/**
 * Understands one statement per line: `SELECT ... range(end=N)` yields rows {_value, Name, Env};
 * `SELECT ... sleep()` waits until aborted; a `-- log: text` comment logs; other lines are ignored.
 */
export const scriptedRunner: CellQueryRunner = async function* (source, opts): AsyncGenerator<RunEvent> {
  let statement = 0;
  for (const line of source.split("\n")) {
    const t = line.trim();
    if (t.startsWith("-- log: ")) {
      yield { kind: "log", level: "INFO", message: t.slice(8), time: 0, span: { start: source.indexOf(t), end: source.indexOf(t) + t.length } };
      continue;
    }
    if (!/^SELECT\b/i.test(t)) continue;
    const s = statement++;
    yield { kind: "select-start", statement: s };
    const range = /range\(end=(\d+)\)/.exec(t);
    if (range) {
      const n = Number(range[1]);
      const cap = opts.maxRows ?? Infinity;
      for (let i = 0; i < Math.min(n, cap); i++) {
        opts.signal?.throwIfAborted();
        yield { kind: "row", statement: s, row: { _value: i, Name: `host-${i}`, Env: opts.env?.Greeting } };
      }
      yield { kind: "select-end", statement: s, rows: Math.min(n, cap), truncated: n > cap };
    } else if (/sleep\(\)/.test(t)) {
      await sleep(60_000, undefined, { signal: opts.signal });
    } else {
      yield { kind: "select-end", statement: s, rows: 0, truncated: false };
    }
  }
};
