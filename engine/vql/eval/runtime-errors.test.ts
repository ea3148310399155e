// Every run-time error path of the evaluator, rendered as `LEVEL line:col CODE message`, checked
// against __golden__/runtime-errors.json (regenerate with UPDATE_GOLDEN=1 and review the diff).
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { defineFunction } from "../builtins/define";
import { collect } from "./testing";

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), "__golden__/runtime-errors.json");

const CASES: Record<string, string> = {
  "VQL3001 unknown argument": "SELECT * FROM range(stop=3)",
  "VQL3002 missing argument": "SELECT * FROM range(start=1)",
  "VQL3003 wrong argument type": "SELECT * FROM range(end='ten')",
  "VQL3003 NULL for an int": "SELECT * FROM range(end=NULL)",
  "VQL3005 unknown symbol": "SELECT Nope FROM scope()",
  "VQL3005 unknown dotted symbol": "SELECT Nope.x FROM scope()",
  "VQL3005 unknown function": "SELECT nope(x=1) FROM scope()",
  "VQL3006 calling a value": "LET X <= 1\nSELECT X(a=1) AS A FROM scope()",
  "VQL3007 unknown plugin": "SELECT * FROM rang(end=1)",
  "VQL3007 function used as a plugin": "SELECT * FROM format(format='x')",
  "VQL3008 LET masking a builtin": "LET format = 5\nSELECT format FROM scope()",
  "VQL3009 materialised LET with parameters": "LET F(x) <= 1\nSELECT F(x=1) AS A FROM scope()",
  "VQL3010 recursion": "LET Y = 1 + Y\nSELECT Y FROM scope()",
  "VQL3011 bad regular expression": "SELECT 'a' =~ '(' AS A FROM scope()",
  "VQL3012 a builtin that throws": "SELECT boom() AS A FROM scope()",
  "VQL3013 extra argument to a LET plugin": "LET Q(a) = SELECT a FROM scope()\nSELECT * FROM Q(b=1)",
  "VQL3015 bad lambda": "SELECT filter(list=(1, 2), condition='x =>') AS A FROM scope()",
  "VQL3020 error reported by a builtin": "SELECT parse_json(data='[1]') AS A, split(string='a') AS B FROM scope()",
};

const boom = defineFunction({
  name: "boom",
  category: "test",
  doc: "Test function that throws.",
  args: {},
  run() {
    throw new Error("kaboom");
  },
});

describe("run-time errors carry a code, a span and a message (golden)", () => {
  it("matches __golden__/runtime-errors.json", async () => {
    const actual: Record<string, { vql: string; rows: string[]; logs: string[] }> = {};
    for (const [name, vql] of Object.entries(CASES)) {
      const r = await collect(vql, { extra: [boom] });
      actual[name] = { vql, rows: r.rows, logs: r.logs };
      // Every ERROR/WARN line has a code; all but run-level ones have a position.
      for (const l of r.logs) expect(l, name).toMatch(/^(ERROR|WARN) (\d+:\d+ )?VQL3\d{3} /);
    }
    const text = JSON.stringify(actual, null, 1) + "\n";
    if (process.env.UPDATE_GOLDEN || !existsSync(GOLDEN)) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, "utf8"));
  });
});
