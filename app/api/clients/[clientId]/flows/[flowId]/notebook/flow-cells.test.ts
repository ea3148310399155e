import { describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql, toJsonText } from "@/engine/vql";
import { loadArtifact } from "@/engine/artifacts";
import { flowNotebookHeader, flowSourceVql, sourceNotebookCells, vqlString } from "./flow-cells";

describe("flow notebook cells", () => {
  it("flowSourceVql() reads one source of the flow through source()", () => {
    expect(flowSourceVql("C.1234567890abcdef", "F.A4DVS2FE002VK", "Linux.Sys.Users")).toBe(
      'SELECT * FROM source(client_id="C.1234567890abcdef", flow_id="F.A4DVS2FE002VK", artifact="Linux.Sys.Users")',
    );
    expect(flowSourceVql("C.1", "F.2", "Generic.Client.Info/Users")).toContain('artifact="Generic.Client.Info/Users"');
  });

  it("vqlString() escapes so the parser reads back the same text", async () => {
    const registry = createRegistry(portableBuiltins);
    for (const s of ['a"b', "back\\slash", 'end\\"', "plain"]) {
      const rows: string[] = [];
      for await (const e of runVql(`SELECT ${vqlString(s)} AS X FROM scope()`, { registry })) if (e.kind === "row") rows.push(toJsonText(e.row));
      expect(rows).toEqual([JSON.stringify({ X: s })]);
    }
  });

  it("a source's own notebook cells replace the default cell: vql runs, md/markdown shows, none and vql_suggestion are not cells", () => {
    const yaml = [
      "name: Custom.Nb",
      "sources:",
      "  - name: A",
      "    query: SELECT 1 AS X FROM scope()",
      "    notebook:",
      "      - type: MD",
      "        template: '# A'",
      "      - type: vql",
      "        template: SELECT * FROM source(source='A')",
      "      - type: none",
      "        template: ignored",
      "      - type: vql_suggestion",
      "        template: SELECT 2 FROM scope()",
      "  - name: B",
      "    query: SELECT 2 AS Y FROM scope()",
      "",
    ].join("\n");
    const a = loadArtifact(yaml).artifact!;
    expect(sourceNotebookCells(a, "Custom.Nb/A")).toEqual([
      { type: "markdown", input: "# A" },
      { type: "vql", input: "SELECT * FROM source(source='A')" },
    ]);
    expect(sourceNotebookCells(a, "Custom.Nb/B")).toBeUndefined();
    expect(sourceNotebookCells(a, "Custom.Nb/Nope")).toBeUndefined();
    expect(sourceNotebookCells(undefined, "X/A")).toBeUndefined();
  });

  it("the heading escapes Markdown in names", () => {
    expect(flowNotebookHeader({ clientId: "C.1", flowId: "F.2", artifacts: ["A_B"], creator: "<x>" })).toBe("# Collection F.2 on C.1\n\nA\\_B, collected by \\<x\\>. One cell per source (`source()`).");
  });
});
