// calledArtifacts(): what the server sends with a collection so the agent resolves the calls
// itself: `Artifact.X()` calls, and the artifacts collect() names as string literals.
import { describe, expect, it } from "vitest";
import { calledArtifacts } from "./called";
import { loadArtifact } from "./load";
import type { Artifact } from "./types";

const defs = new Map<string, Artifact>(
  ["A.One", "A.Two", "A.Three"].map((n) => [n, loadArtifact(`name: ${n}\nsources:\n  - query: SELECT 1 AS X FROM scope()\n`, { skipVql: true }).artifact!]),
);
const names = (q: string) => calledArtifacts([q], (n) => defs.get(n)).map((a) => a.name).sort();

describe("calledArtifacts()", () => {
  it("finds Artifact.X() calls", () => {
    expect(names("SELECT * FROM Artifact.A.One()")).toEqual(["A.One"]);
  });
  it("finds the literal names collect(artifacts=...) gives, in a list or alone", () => {
    expect(names(`SELECT * FROM collect(output='/tmp/x.zip', artifacts=['A.One', "A.Two"], args=dict(x=1))`)).toEqual(["A.One", "A.Two"]);
    expect(names("SELECT * FROM collect(artifacts='A.Three')")).toEqual(["A.Three"]);
    // A name from a variable is not known before the query runs.
    expect(names("SELECT * FROM collect(artifacts=Names)")).toEqual([]);
  });
});
