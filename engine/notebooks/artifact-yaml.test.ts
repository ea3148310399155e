import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { artifactYaml, checkArtifactYaml, suggestArtifactName } from "./artifact-yaml";

const base = {
  name: "Custom.Server.Watch",
  description: "Watches things",
  parameters: [{ name: "Limit", type: "int", description: "How many", default: "10" }],
  sourceName: "Events",
  query: "/* heading */\nLET X = 1\nSELECT * FROM watch_monitoring(artifact='System.Flow.Completion')",
  reference: "/notebooks/N.ABC?cell=NC.DEF",
};

describe("artifact YAML from a notebook cell", () => {
  it("suggestArtifactName() turns the notebook name into Custom.PascalCase", () => {
    expect(suggestArtifactName("label clients — automatically!")).toBe("Custom.LabelClientsAutomatically");
    expect(suggestArtifactName("2024 triage")).toBe("Custom.Notebook2024Triage");
  });

  for (const type of ["SERVER_EVENT", "CLIENT_EVENT", "SERVER", "CLIENT"] as const) {
    it(`artifactYaml() gives a valid ${type} artifact that links back to the cell`, () => {
      const text = artifactYaml({ ...base, type });
      expect(checkArtifactYaml(text)).toEqual([]);
      const doc = parse(text);
      expect(doc).toMatchObject({ name: "Custom.Server.Watch", type, reference: [base.reference], parameters: [{ name: "Limit", type: "int", default: "10" }] });
      expect(doc.sources[0]).toEqual({ name: "Events", query: base.query + "\n" });
    });
  }

  it("checkArtifactYaml() reports a VQL syntax error at its line and column in the YAML", () => {
    const text = artifactYaml({ ...base, type: "SERVER", query: "SELECT * FROM info()\nSELECT FROM" });
    const problems = checkArtifactYaml(text);
    expect(problems.length).toBeGreaterThan(0);
    const lines = text.split("\n");
    const bad = problems[0]!;
    expect(lines[bad.line - 1]!.trim()).toBe("SELECT FROM");
    expect(lines[bad.line - 1]!.slice(bad.col - 1).startsWith("FROM") || lines[bad.line - 1]!.slice(bad.col - 1).startsWith("SELECT")).toBe(true);
  });

  it("checkArtifactYaml() takes a one-word name but refuses a bad name, an unknown type and missing sources", () => {
    expect(checkArtifactYaml("name: AutomateServerLabels\ntype: SERVER_EVENT\nsources:\n  - query: SELECT * FROM scope()\n")).toEqual([]);
    const problems = checkArtifactYaml("name: not-a-name\ntype: WHATEVER\n");
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining("`name`"),
      expect.stringContaining("`type`"),
      expect.stringContaining("at least one source"),
    ]);
    expect(problems[1]!.line).toBe(2);
    expect(checkArtifactYaml("name: [")[0]!.message).toMatch(/not valid YAML/);
  });
});

describe("artifact YAML from a cell, checked by the artifact repository's loader", () => {
  for (const type of ["SERVER_EVENT", "CLIENT_EVENT", "SERVER", "CLIENT"] as const) {
    it(`loadArtifact() accepts a generated ${type} artifact with no errors and keeps the reference`, async () => {
      const { loadArtifact } = await import("../artifacts");
      const { PERMISSIONS } = await import("../server/auth/roles");
      const text = artifactYaml({ ...base, type });
      const r = loadArtifact(text, { requirePrefix: "Custom.", knownPermissions: PERMISSIONS });
      expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(r.artifact).toMatchObject({ name: base.name, type, references: [base.reference] });
      expect(r.artifact!.parameters.map((p) => [p.name, p.type, p.default])).toEqual([["Limit", "int", "10"]]);
    });
  }
});
