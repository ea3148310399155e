import { describe, expect, it } from "vitest";
import { compileArtifact, loadArtifact, resolveParameters, type Artifact } from ".";

const load = (text: string): Artifact => {
  const r = loadArtifact(text);
  if (!r.artifact) throw new Error(r.diagnostics[0]?.message);
  return r.artifact;
};

const LIB = load("name: Lib.Helpers\nexport: |\n  LET Twice(x) = x * 2\n");
const A = load(`name: Test.Compiled
imports: [Lib.Helpers]
precondition: SELECT OS FROM info() WHERE OS = 'linux'
export: LET Base = 10
parameters:
  - name: N
    type: int
    default: "4"
  - name: Flag
    type: bool
sources:
  - name: One
    query: SELECT Twice(x=N) + Base AS V FROM scope()
  - name: Two
    precondition: SELECT 1 FROM scope()
    query: SELECT 2 FROM scope()
`);

describe("compileArtifact()", () => {
  it("puts imports' exports and the export before each query and applies the artifact precondition", () => {
    const c = compileArtifact(A, (n) => (n === "Lib.Helpers" ? LIB : undefined));
    expect(c.sources.map((s) => s.resultName)).toEqual(["Test.Compiled/One", "Test.Compiled/Two"]);
    expect(c.sources[0]!.query).toBe("LET Twice(x) = x * 2\n\nLET Base = 10\nSELECT Twice(x=N) + Base AS V FROM scope()");
    expect(c.sources[0]!.precondition).toContain("WHERE OS = 'linux'");
    expect(c.sources[1]!.precondition).toMatch(/SELECT 1 FROM scope\(\)$/);
  });
});

describe("resolveParameters()", () => {
  it("fills defaults, converts types, and refuses undeclared names and bad values", () => {
    expect(resolveParameters(A)).toEqual({ ok: true, env: { N: 4, Flag: false } });
    expect(resolveParameters(A, { N: "7", Flag: "yes" })).toEqual({ ok: true, env: { N: 7, Flag: true } });
    expect(resolveParameters(A, { Nope: "1" })).toEqual({ ok: false, error: "unknown parameter `Nope` given to artifact `Test.Compiled`" });
    expect(resolveParameters(A, { N: "x" })).toEqual({ ok: false, error: "parameter `N` of `Test.Compiled` expects an integer: `x` is not a number" });
  });
});
