// The parser against vql/conformance.json: cases that run must parse cleanly and name their
// columns exactly as vfilter does; cases that vfilter rejects at parse time must be rejected
// here too (with a span) or be listed in docs/vql-differences.md.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { columnName } from "../ast/print";
import type { SelectStatement } from "../ast/types";
import { parse } from "./parse";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
interface Case {
  name: string;
  vql: string;
  expected: Record<string, unknown>[];
  expected_error?: boolean;
  note?: string;
}
const cases: Case[] = JSON.parse(readFileSync(join(root, "..", "shared", "vql", "conformance.json"), "utf8"));
const differences = readFileSync(join(root, "docs", "vql-differences.md"), "utf8");

/** The JSON list under "## Conformance cases that Talon accepts". */
function acceptedList(): string[] {
  const section = differences.split(/^## Conformance cases that Talon accepts/m)[1];
  const block = section && /```json\n([\s\S]*?)```/.exec(section);
  return block ? (JSON.parse(block[1]!) as string[]) : [];
}

const isParseErrorCase = (c: Case) => c.expected_error === true && c.expected.length === 0 && /parse error/i.test(c.note ?? "");
const errorsOf = (vql: string) => parse(vql).diagnostics.filter((d) => d.severity === "error");

describe("parser vs conformance.json", () => {
  it("has the conformance cases", () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  it("parses every case that is not a parse error without error diagnostics", () => {
    const failing = cases.filter((c) => !isParseErrorCase(c) && errorsOf(c.vql).length > 0).map((c) => c.vql);
    expect(failing).toEqual([]);
  });

  it("rejects each parse-error case with a span, unless docs/vql-differences.md lists it", () => {
    const accepted = new Set(acceptedList());
    const parseErrorCases = cases.filter(isParseErrorCase);
    expect(parseErrorCases.length).toBeGreaterThan(5);
    for (const c of parseErrorCases) {
      const errors = errorsOf(c.vql);
      if (accepted.has(c.vql)) {
        expect(errors, `listed as accepted: ${c.vql}`).toEqual([]);
        continue;
      }
      expect(errors.length, `should be rejected: ${c.vql}`).toBeGreaterThan(0);
      for (const e of errors) {
        expect(e.span.start).toBeGreaterThanOrEqual(0);
        expect(e.span.end).toBeGreaterThanOrEqual(e.span.start);
        expect(e.span.end).toBeLessThanOrEqual(Math.max(c.vql.length, 1));
      }
    }
  });

  it("lists in docs/vql-differences.md only parse-error cases that Talon really accepts", () => {
    const parseErrorQueries = new Set(cases.filter(isParseErrorCase).map((c) => c.vql));
    for (const q of acceptedList()) {
      expect(parseErrorQueries.has(q), q).toBe(true);
      expect(errorsOf(q)).toEqual([]);
    }
  });

  it("names every unaliased column exactly as vfilter does (the keys of the expected rows)", () => {
    let checked = 0;
    for (const c of cases) {
      if (c.expected.length === 0) continue;
      const r = parse(c.vql);
      const last = r.statements[r.statements.length - 1] as SelectStatement;
      const keys = Object.keys(c.expected[0]!);
      for (const column of last.columns) {
        if (column.kind !== "column" || column.alias) continue;
        expect(keys, c.vql).toContain(columnName(column));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});
