// Seeded fuzzing of the parser: 10,000 random and mutated inputs (mutations of corpus and
// conformance queries, token soup, random characters, pathological nesting). parse() must never
// throw, never hit its internal-error path, and take under 50 ms per input. The machine running
// the suite may be loaded (a descheduled process or a GC pause adds wall time that is not the
// parser's), so an input whose first timing is suspicious is re-timed and judged by its least
// disturbed run: the smaller of wall and CPU time, minimum over a few runs. A parser that is
// really slow on an input is slow on every run, so the 50 ms bound keeps its meaning.

import { describe, expect, it } from "vitest";
import { completionContext } from "../analysis/completion-context";
import { lint } from "../analysis/lint";
import { outline } from "../analysis/outline";
import { printProgram } from "../ast/format";
import { columnName } from "../ast/print";
import { conformanceQueries, corpusQueries } from "../testdata/load-corpus";
import { parse } from "./parse";

/** Per-input time limit (ms). */
const LIMIT_MS = 50;
/** First timings at or above this are re-timed. */
const RETIME_MS = 10;
const RETRIES = 5;

/** One timed run: the smaller of wall time and process CPU time (ms). */
function timed(run: () => void): number {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return Math.min(wall, (cpu.user + cpu.system) / 1000);
}

/** The least disturbed time of `run`, given its first wall-clock timing. */
function robustMs(run: () => void, firstMs: number): number {
  let best = firstMs;
  for (let k = 0; k < RETRIES && best >= RETIME_MS; k++) best = Math.min(best, timed(run));
  return best;
}

/** mulberry32: a tiny deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCAB = [
  "SELECT", "FROM", "WHERE", "LET", "EXPLAIN", "GROUP BY", "ORDER BY", "LIMIT", "DESC", "AS", "AND", "OR",
  "NOT", "IN", "NULL", "TRUE", "FALSE", "&&", "||", "|", "(", ")", "[", "]", "{", "}", ",", ".", ":", "=",
  "<=", ">=", "<>", "!=", "=~", "=>", "<", ">", "+", "-", "*", "/", "%", "**", "X", "foo", "`a b`", "-X",
  "-1", "1", "0x1f", "070", "1.5", ".5", "1e3", "'s'", '"d\\x41"', "'''raw'''", "--c\n", "// c\n",
  "/* c */", "/*", "'", '"', "`", "#", ";", "!", "&", "\n", " ", "é", "😀", "\\",
];

const ALPHABET = " \t\n\r()[]{}.,:;=<>!~+-*/%&|'\"`#@$?\\_azAZ09xXeE.é😀\u0000\u00a0";

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function tokenSoup(r: () => number): string {
  const n = 1 + Math.floor(r() * 60);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(pick(r, VOCAB));
  return parts.join(r() < 0.7 ? " " : "");
}

function randomChars(r: () => number): string {
  const n = Math.floor(r() * 200);
  let s = "";
  for (let i = 0; i < n; i++) s += pick(r, [...ALPHABET]);
  return s;
}

function mutate(r: () => number, text: string): string {
  let s = text;
  const rounds = 1 + Math.floor(r() * 4);
  for (let k = 0; k < rounds; k++) {
    const i = Math.floor(r() * (s.length + 1));
    const j = Math.min(s.length, i + Math.floor(r() * 20));
    switch (Math.floor(r() * 6)) {
      case 0: // delete a range
        s = s.slice(0, i) + s.slice(j);
        break;
      case 1: // duplicate a range
        s = s.slice(0, j) + s.slice(i, j) + s.slice(j);
        break;
      case 2: // insert a token
        s = s.slice(0, i) + pick(r, VOCAB) + s.slice(i);
        break;
      case 3: // replace one character
        s = s.slice(0, i) + pick(r, [...ALPHABET]) + s.slice(i + 1);
        break;
      case 4: // truncate
        s = s.slice(0, i);
        break;
      default: // move a range
        s = s.slice(0, i) + s.slice(j) + s.slice(i, j);
    }
  }
  return s;
}

/** Nesting and chains far beyond real queries (the depth guards must cut them off cleanly). */
const pathological = [
  "(".repeat(20_000),
  "SELECT " + "(".repeat(5_000) + "1" + ")".repeat(5_000) + " FROM scope()",
  "SELECT " + "NOT ".repeat(5_000) + "1 FROM scope()",
  "SELECT " + "x[".repeat(5_000) + " FROM scope()",
  "SELECT " + "f(a=".repeat(3_000) + " FROM scope()",
  "SELECT " + "{ SELECT ".repeat(2_000) + " FROM scope()",
  "SELECT " + Array.from({ length: 1_900 }, (_, i) => `N =~ 'ioc${i}'`).join(" OR ") + " FROM scope()",
  "SELECT " + Array.from({ length: 2_100 }, (_, i) => `N =~ 'ioc${i}'`).join(" OR ") + " FROM scope()",
  "SELECT " + "1 + ".repeat(5_000) + "1 FROM scope()",
  "SELECT " + "a.".repeat(5_000) + "b FROM scope()",
  "LET X = " + "-".repeat(5_000) + "1",
  "'".repeat(10_001),
  "/*".repeat(10_000),
  "SELECT * FROM x() " + "WHERE ".repeat(5_000),
];

describe("parser fuzzing", () => {
  it("re-timing keeps the bound meaningful: work that is slow on every run stays over it, a one-off delay does not count", () => {
    // Spins until both `ms` of wall time and `ms` of process CPU time have passed.
    const busy = (ms: number) => {
      const start = process.cpuUsage();
      const t0 = performance.now();
      for (;;) {
        const d = process.cpuUsage(start);
        if (d.user + d.system >= ms * 1000 && performance.now() - t0 >= ms) return;
      }
    };
    expect(robustMs(() => busy(LIMIT_MS + 5), LIMIT_MS + 5)).toBeGreaterThanOrEqual(LIMIT_MS);
    // A first timing inflated by something else (here: claimed 200 ms) is replaced by real runs.
    expect(robustMs(() => busy(1), 200)).toBeLessThan(LIMIT_MS);
  });

  it("parses 10,000 random and mutated inputs without throwing, each in under 50 ms (lint, outline and completion context survive them too)", () => {
    const r = rng(0x7a10);
    const seeds = [...corpusQueries().map((q) => q.text), ...conformanceQueries()];
    expect(seeds.length).toBeGreaterThan(500);
    const inputs: string[] = [];
    while (inputs.length < 10_000 - pathological.length) {
      const x = r();
      inputs.push(x < 0.6 ? mutate(r, pick(r, seeds)) : x < 0.85 ? tokenSoup(r) : randomChars(r));
    }
    inputs.push(...pathological);
    let maxMs = 0;
    let maxFirstMs = 0;
    let slowest = "";
    let clean = 0;
    const started = performance.now();
    for (const input of inputs) {
      const t0 = performance.now();
      let result: ReturnType<typeof parse>;
      try {
        result = parse(input);
      } catch (e) {
        throw new Error(`parse() threw on ${JSON.stringify(input.slice(0, 200))}: ${String(e)}`);
      }
      const firstMs = performance.now() - t0;
      if (firstMs > maxFirstMs) maxFirstMs = firstMs;
      const ms = robustMs(() => parse(input), firstMs);
      if (ms > maxMs) {
        maxMs = ms;
        slowest = input.slice(0, 80);
      }
      expect(result.diagnostics.filter((d) => d.code === "VQL1099"), input.slice(0, 200)).toEqual([]);
      for (const d of result.diagnostics) {
        expect(d.span.start >= 0 && d.span.end <= input.length && d.span.start <= d.span.end, input.slice(0, 200)).toBe(true);
      }
      // The editor runs these on every keystroke, broken text included.
      lint(result, [{ name: "range", kind: "plugin", args: [{ name: "end", required: true }] }]);
      outline(result);
      completionContext(input, Math.floor(r() * (input.length + 1)));
      if (!result.diagnostics.some((d) => d.severity === "error")) {
        clean++;
        printProgram(result);
        for (const s of result.statements) if (s.kind === "select") s.columns.forEach(columnName);
      }
    }
    const totalMs = performance.now() - started;
    console.log(
      `fuzz: ${inputs.length} inputs (${clean} error-free), max ${maxMs.toFixed(2)} ms (${JSON.stringify(slowest)}; first timings max ${maxFirstMs.toFixed(2)} ms), total ${totalMs.toFixed(0)} ms`,
    );
    expect(maxMs).toBeLessThan(LIMIT_MS);
  });
});
