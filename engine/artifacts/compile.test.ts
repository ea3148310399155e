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
    expect(resolveParameters(A)).toEqual({ ok: true, env: { N: 4, Flag: false }, warnings: [] });
    expect(resolveParameters(A, { N: "7", Flag: "yes" })).toEqual({ ok: true, env: { N: 7, Flag: true }, warnings: [] });
    expect(resolveParameters(A, { Nope: "1" })).toEqual({ ok: false, error: "unknown parameter `Nope` given to artifact `Test.Compiled`" });
    expect(resolveParameters(A, { N: "x" })).toEqual({ ok: false, error: "parameter `N` of `Test.Compiled` expects an integer: `x` is not a number" });
  });
});

// Velociraptor's launcher test artifact (services/launcher TestParameterTypes): its golden
// output gives IntValue 5 from "5", CSV rows as dicts, an unset timestamp as the zero time
// 0001-01-01T00:00:00Z (Unix -62135596800) that tests false, Y as true, an unset bool false.
const TYPES = load(`name: Test.Artifact.Types
parameters:
  - name: IntValue
    type: int
    default: "5"
  - name: IntUnset
    type: int
  - name: CSVValue
    type: csv
    default: |
      Col1,Col2
      Value1,Value2
      Value3,Value4
  - name: TimestampValueUnset
    type: timestamp
  - name: BoolValue
    type: bool
    default: Y
  - name: BoolValueUnset
    type: bool
  - name: JsonValue
    type: json
    default: "{not json"
  - name: Modified Before
    type: timestamp
    default: "2020-10-01T09:20:00Z"
sources:
  - query: SELECT * FROM scope()
`);

describe("parameters as Velociraptor's launcher converts them", () => {
  it("gives an unset int 0, an unset timestamp the zero time, csv rows, bools from Y", () => {
    const r = resolveParameters(TYPES);
    if (!r.ok) throw new Error(r.error);
    expect(r.env.IntValue).toBe(5);
    expect(r.env.IntUnset).toBe(0);
    expect((r.env.CSVValue as Array<{ get(k: string): unknown }>).map((row) => [row.get("Col1"), row.get("Col2")])).toEqual([
      ["Value1", "Value2"],
      ["Value3", "Value4"],
    ]);
    const ts = r.env.TimestampValueUnset as { toString(): string; sec: number; isZero(): boolean };
    expect(ts.toString()).toBe("0001-01-01T00:00:00Z");
    expect(ts.sec).toBe(-62135596800);
    expect(ts.isZero()).toBe(true);
    expect(r.env.BoolValue).toBe(true);
    expect(r.env.BoolValueUnset).toBe(false);
  });

  it("turns JSON that does not parse into NULL with a warning instead of refusing the artifact", () => {
    const r = resolveParameters(TYPES);
    if (!r.ok) throw new Error(r.error);
    expect(r.env.JsonValue).toBeNull();
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^Test\.Artifact\.Types: parameter `JsonValue` is NULL: JSON expected/);
    const bad = resolveParameters(TYPES, { TimestampValueUnset: "someday" });
    expect(bad.ok && bad.env.TimestampValueUnset).toBeNull();
    expect(bad.ok && bad.warnings.some((w) => w.includes("`TimestampValueUnset`"))).toBe(true);
  });

  it("re-types timestamp parameters in front of every source, as the launcher's LET does", () => {
    const c = compileArtifact(TYPES, () => undefined);
    expect(c.sources[0]!.query).toBe("LET TimestampValueUnset <= timestamp(epoch=TimestampValueUnset)\nLET `Modified Before` <= timestamp(epoch=`Modified Before`)\nSELECT * FROM scope()");
  });
});
