// Runs every case of ../shared/vql/conformance.json through the `talon query --format json`
// code path (queryCommand in-process, a few through the real CLI as a subprocess) and compares
// rows as ordered JSON text. Error cases must fail with a span or be listed in
// docs/vql-differences.md.
import { describe, expect, it, afterAll } from "vitest";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { queryCommand } from "../cli/query";
import { parseJsonOrdered } from "./builtins/text/json-parse";
import { toJsonText } from "./values/json";
import { OrderedDict } from "./values/ordered-dict";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const casesFile = path.join(root, "../shared/vql/conformance.json");
const differences = readFileSync(path.join(root, "docs/vql-differences.md"), "utf8");

interface Case {
  name: string;
  vql: string;
  expected: unknown;
  expectedError: boolean;
  logs: string[];
}

// Ordered parse: JSON.parse would move integer-like keys ("1") first.
const cases: Case[] = (parseJsonOrdered(readFileSync(casesFile, "utf8"), false) as OrderedDict[]).map((c) => ({
  name: c.get("name") as string,
  vql: c.get("vql") as string,
  expected: c.get("expected"),
  expectedError: c.get("expected_error") === true,
  logs: (c.get("expected_log_contains") as string[] | undefined) ?? [],
}));

/** The cases Talon accepts although Velociraptor rejects them (parser section of the doc). */
function acceptedByTalon(): string[] {
  const block = /## Conformance cases that Talon accepts[\s\S]*?```json\n([\s\S]*?)```/.exec(differences);
  return block ? (JSON.parse(block[1]!) as string[]) : [];
}

async function run(vql: string): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await queryCommand([vql, "--format", "json"], {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    readFile: async () => "",
  });
  return { code, out, err };
}

/** Canonical text: numbers as JS prints them (Go's 2.0 and JSON's 2 are both `2`), keys in order. */
function canonical(jsonText: string): string {
  return toJsonText(parseJsonOrdered(jsonText, false));
}

const results = { pass: 0, errorCasesWithSpan: 0, errorCasesDocumented: 0 };

describe("conformance.json through `talon query --format json`", () => {
  const accepted = acceptedByTalon();
  for (const c of cases) {
    it(c.name, async () => {
      const { code, out, err } = await run(c.vql);
      if (!c.expectedError) {
        expect(code, err).toBe(0);
        expect(canonical(out)).toBe(toJsonText(c.expected));
        for (const l of c.logs) expect(err).toContain(l);
        results.pass++;
        return;
      }
      if (code === 2) {
        // A parse error: reported as line:col with the source line and a caret.
        expect(err).toMatch(/^\d+:\d+: /m);
        expect(err).toMatch(/\^/);
        results.errorCasesWithSpan++;
        return;
      }
      if (Array.isArray(c.expected) && c.expected.length === 0 && accepted.includes(c.vql)) {
        results.errorCasesDocumented++;
        return;
      }
      // A run-time error: same rows, the expected log text, logged with a span.
      expect(canonical(out)).toBe(toJsonText(c.expected));
      for (const l of c.logs) expect(err).toContain(l);
      expect(err).toMatch(/^ERROR: \d+:\d+: /m);
      results.errorCasesWithSpan++;
    });
  }
  afterAll(() => {
    const nonError = cases.filter((c) => !c.expectedError).length;
    console.log(
      `conformance: ${results.pass}/${nonError} non-error cases pass; error cases: ${results.errorCasesWithSpan} with a span, ${results.errorCasesDocumented} documented differences (of ${cases.length - nonError})`,
    );
  });
});

describe("the real CLI as a subprocess", () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", path.join(root, "engine/cli/query-main.ts"), ...args], { cwd: root, encoding: "utf8" });
  const sample = cases.filter((c) => !c.expectedError).filter((_, i) => i % 40 === 3);

  it.each(sample.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const r = cli([c.vql, "--format", "json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(canonical(r.stdout)).toBe(toJsonText(c.expected));
  });

  it("exits 2 on a parse error with line:col, the source line and a caret", () => {
    const r = cli(["SELECT 1 FROM scope() # nope"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^1:23: /);
    expect(r.stderr).toContain("SELECT 1 FROM scope() # nope\n                      ^");
  });
});
