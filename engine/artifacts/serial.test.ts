// Serial mode (Velociraptor's launcher): sources without their own preconditions share one
// scope, so a later source sees an earlier source's LETs; parallel mode (a source precondition,
// event artifacts) keeps them apart.
import { describe, expect, it } from "vitest";
import { collect } from "@/engine/vql/eval/testing";
import { compileArtifact } from "./compile";
import { loadArtifact } from "./load";

function artifact(yaml: string) {
  const a = loadArtifact(yaml).artifact;
  if (!a) throw new Error("did not load");
  return a;
}

const TWO = (type: string, pre = "") => `
name: Custom.Serial
type: ${type}
sources:
  - name: First
    query: |
      LET hits = SELECT _value AS N FROM range(end=3)
      SELECT * FROM hits
  - name: Second
${pre}    query: |
      SELECT N * 10 AS M FROM hits
`;

describe("serial mode", () => {
  it("a later source sees the LETs of the sources before it, and gives their rows", async () => {
    const c = compileArtifact(artifact(TWO("CLIENT")), () => undefined);
    expect(c.sources.map((s) => s.resultName)).toEqual(["Custom.Serial/First", "Custom.Serial/Second"]);
    expect(c.sources[0]!.query).not.toContain("LET hits = SELECT _value AS N FROM range(end=3)\nLET");
    const r = await collect(c.sources[1]!.query);
    expect(r.rows).toEqual(['{"M":0}', '{"M":10}', '{"M":20}']);
    // The first source runs just its own statements.
    expect((await collect(c.sources[0]!.query)).rows).toEqual(['{"N":0}', '{"N":1}', '{"N":2}']);
  });

  it("parallel mode when a source has its own precondition: scopes stay apart", async () => {
    const c = compileArtifact(artifact(TWO("CLIENT", "    precondition: SELECT * FROM scope()\n")), () => undefined);
    expect(c.sources[1]!.query.trim()).toBe("SELECT N * 10 AS M FROM hits");
  });

  it("event artifacts run in parallel mode", () => {
    const c = compileArtifact(artifact(TWO("CLIENT_EVENT")), () => undefined);
    expect(c.sources[1]!.query.trim()).toBe("SELECT N * 10 AS M FROM hits");
  });
});
