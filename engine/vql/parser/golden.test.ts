// Golden tests for every syntax-error and compatibility-warning path: each case in
// engine/vql/testdata/parse-*.vql is parsed and its diagnostics, rendered at `line:col`, are
// compared with parse-*.golden.json. Regenerate with UPDATE_GOLDEN=1 and review the diff.

import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DIAGNOSTICS } from "../diagnostics";
import { lineCol, renderDiagnostic } from "../ast/positions";
import { parse } from "./parse";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "testdata");
const update = process.env.UPDATE_GOLDEN === "1";

interface Case {
  name: string;
  text: string;
}

/** Splits a testdata file on `-- case: <name>` lines. */
function readCases(file: string): Case[] {
  const cases: Case[] = [];
  for (const chunk of readFileSync(file, "utf8").split(/^-- case: /m).slice(1)) {
    const nl = chunk.indexOf("\n");
    cases.push({ name: chunk.slice(0, nl).trim(), text: chunk.slice(nl + 1).replace(/\n$/, "") });
  }
  return cases;
}

function outcome(text: string) {
  const r = parse(text);
  return {
    statements: r.statements.map((s) => (s.kind === "let" ? `let ${s.name.name}` : "select")),
    diagnostics: r.diagnostics.map((d) => {
      const { line, col } = lineCol(text, d.span.start);
      return { at: `${line}:${col}`, code: d.code, severity: d.severity, message: d.message, ...(d.hint ? { hint: d.hint } : {}) };
    }),
    rendered: r.diagnostics.map((d) => renderDiagnostic(text, d).split("\n")),
  };
}

const files = readdirSync(dir).filter((f) => /^parse-.*\.vql$/.test(f)).sort();
const seenCodes = new Set<string>();

describe("parser golden files (engine/vql/testdata/parse-*.vql)", () => {
  it("finds the testdata files", () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  for (const file of files) {
    it(`${file} matches ${file.replace(/\.vql$/, ".golden.json")}`, () => {
      const cases = readCases(join(dir, file));
      expect(cases.length).toBeGreaterThan(0);
      const actual: Record<string, ReturnType<typeof outcome>> = {};
      for (const c of cases) {
        const key = `${c.name}: ${c.text.split("\n")[0]!.slice(0, 60)}`;
        actual[key] = outcome(c.text);
        for (const d of actual[key]!.diagnostics) seenCodes.add(d.code);
      }
      const goldenPath = join(dir, file.replace(/\.vql$/, ".golden.json"));
      if (update || !existsSync(goldenPath)) writeFileSync(goldenPath, JSON.stringify(actual, null, 2) + "\n");
      expect(actual).toEqual(JSON.parse(readFileSync(goldenPath, "utf8")));
    });
  }

  it("every case of an error file reports at least one error with a line:col", () => {
    for (const file of files.filter((f) => /errors/.test(f))) {
      for (const c of readCases(join(dir, file))) {
        const o = outcome(c.text);
        expect(o.diagnostics.some((d) => d.severity === "error"), `${file}: ${c.name}`).toBe(true);
        for (const r of o.rendered) expect(r[0]).toMatch(/^\d+:\d+: /);
      }
    }
  });

  it("every compatibility-warning case parses without errors", () => {
    for (const c of readCases(join(dir, "parse-compat-warnings.vql"))) {
      const o = outcome(c.text);
      expect(o.diagnostics.filter((d) => d.severity === "error"), c.name).toEqual([]);
      expect(o.diagnostics.length, c.name).toBeGreaterThan(0);
    }
  });

  it("covers every syntax diagnostic code of the catalogue", () => {
    const syntaxCodes = Object.keys(DIAGNOSTICS).filter((c) => /^VQL1\d{3}$/.test(c) && c !== "VQL1099");
    expect(syntaxCodes.filter((c) => !seenCodes.has(c))).toEqual([]);
  });
});
