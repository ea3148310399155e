import { describe, expect, it } from "vitest";
import { parsePlainNotebook, serializePlainNotebook, type PlainNotebook } from "./plain-text";

const sample = `---
name: Hunt triage
description: Look at results
parameters:
  - name: HuntId
    type: string
    description: The hunt
    default: H.1
---

# Triage

Steps below.

\`\`\`vql
/* Results */
SELECT * FROM hunt_results(hunt_id=HuntId)
\`\`\`

Some notes with code:

\`\`\`python
print("not a cell")
\`\`\`

<!-- cell -->

A second Markdown cell.
`;

describe("plain-text notebook format", () => {
  it("parsePlainNotebook() reads front matter, Markdown cells, vql fences and cell breaks", () => {
    const { notebook, problems } = parsePlainNotebook(sample);
    expect(problems).toEqual([]);
    expect(notebook.name).toBe("Hunt triage");
    expect(notebook.parameters).toEqual([{ name: "HuntId", type: "string", description: "The hunt", default: "H.1" }]);
    expect(notebook.cells.map((c) => c.type)).toEqual(["markdown", "vql", "markdown", "markdown"]);
    expect(notebook.cells[1]!.input).toBe("/* Results */\nSELECT * FROM hunt_results(hunt_id=HuntId)");
    expect(notebook.cells[2]!.input).toContain('print("not a cell")');
    expect(notebook.cells[3]!.input).toBe("A second Markdown cell.");
  });

  it("serializePlainNotebook() round-trips, with a longer fence when the VQL holds backticks", () => {
    const n: PlainNotebook = {
      name: "X: y",
      description: "multi\nline",
      parameters: [{ name: "P", type: "choices", description: "", default: "a", choices: ["a", "b"] }],
      env: [{ key: "K", value: "1" }],
      cells: [
        { type: "markdown", input: "one" },
        { type: "markdown", input: "two\n\n```\ncode\n```" },
        { type: "vql", input: "\nSELECT '```' AS A FROM scope()\n```\n" },
        { type: "vql", input: "SELECT 1 FROM scope()" },
      ],
    };
    const text = serializePlainNotebook(n);
    const back = parsePlainNotebook(text);
    expect(back.problems).toEqual([]);
    expect(back.notebook).toEqual(n);
  });

  it("reports an unclosed vql block and bad front matter with line numbers, without throwing", () => {
    const r = parsePlainNotebook("---\nname: [\n---\n\n```vql\nSELECT 1 FROM scope()\n");
    expect(r.problems.map((p) => p.line)).toEqual([2, 5]);
    expect(r.notebook.name).toBe("Untitled notebook");
    expect(r.notebook.cells).toEqual([{ type: "vql", input: "SELECT 1 FROM scope()\n" }]);
  });
});
