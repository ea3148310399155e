/**
 * Test helpers for the evaluator and builtins: run VQL with the portable builtins (plus extra
 * test builtins) and collect rows as ordered JSON text and logs as `line:col: CODE message`.
 * Used only by *.test.ts files.
 */
import { lineCol } from "../ast/positions";
import { createRegistry, portableBuiltins } from "../builtins/registry";
import type { Builtin } from "../builtins/types";
import { toJsonText } from "../values/json";
import { runVql, type RunOptions, type VqlEvent } from "./run";

export interface Collected {
  /** Rows of every SELECT as JSON text, in order. */
  rows: string[];
  /** Log lines: `LEVEL line:col CODE message` (position and code when present). */
  logs: string[];
  events: VqlEvent[];
}

export async function collect(vql: string, opts: Partial<RunOptions> & { extra?: Builtin[] } = {}): Promise<Collected> {
  const { extra, ...rest } = opts;
  const registry = opts.registry ?? createRegistry([...portableBuiltins, ...(extra ?? [])]);
  const out: Collected = { rows: [], logs: [], events: [] };
  for await (const e of runVql(vql, { ...rest, registry })) {
    out.events.push(e);
    if (e.kind === "row") out.rows.push(toJsonText(e.row));
    if (e.kind === "log") {
      const at = e.span ? lineCol(vql, e.span.start) : undefined;
      out.logs.push([e.level, at ? `${at.line}:${at.col}` : "", e.code ?? "", e.message].filter((x) => x !== "").join(" "));
    }
  }
  return out;
}

/** The rows of a query (JSON text); fails the test on ERROR logs unless allowed. */
export async function rowsOf(vql: string, opts: Partial<RunOptions> & { extra?: Builtin[]; allowErrors?: boolean } = {}): Promise<string[]> {
  const r = await collect(vql, opts);
  const errors = r.logs.filter((l) => l.startsWith("ERROR"));
  if (errors.length && !opts.allowErrors) throw new Error(`unexpected errors: ${errors.join("\n")}`);
  return r.rows;
}

/** The single value of `SELECT <expr> AS X FROM scope()` as JSON text. */
export async function valueOf(expr: string, opts: Partial<RunOptions> & { extra?: Builtin[]; allowErrors?: boolean } = {}): Promise<string> {
  const rows = await rowsOf(`SELECT ${expr} AS X FROM scope()`, opts);
  const m = /^\{"X":([\s\S]*)\}$/.exec(rows[0] ?? "");
  if (!m) throw new Error(`no value: ${rows.join(",")}`);
  return m[1]!;
}
