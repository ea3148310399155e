import { describe, expect, it } from "vitest";
import { commentMarkdown, planCell } from "./layout";

describe("planCell()", () => {
  it("puts block comments as Markdown between one table per SELECT; LETs and -- comments add nothing", () => {
    const plan = planCell("/* # Processes\n   Listed below */\nLET X = 1\n-- ignored\nSELECT * FROM info()\n/* ## Second */\nSELECT 2 FROM scope()\n/* the end */", 0);
    expect(plan.hasErrors).toBe(false);
    expect(plan.selects).toBe(2);
    expect(plan.blocks).toEqual([
      { kind: "markdown", text: "# Processes\nListed below" },
      { kind: "table", table: 0 },
      { kind: "markdown", text: "## Second" },
      { kind: "table", table: 1 },
      { kind: "markdown", text: "the end" },
    ]);
  });

  it("reports syntax errors as ERROR log lines with line:col", () => {
    const plan = planCell("SELECT * FROM info()\nSELECT FROM", 5);
    expect(plan.hasErrors).toBe(true);
    expect(plan.logs.find((l) => l.level === "ERROR")).toMatchObject({ level: "ERROR", at: expect.stringMatching(/^2:\d+$/), time: 5 });
  });

  it("commentMarkdown() removes the delimiters and the common indentation", () => {
    expect(commentMarkdown("/*\n    # T\n      x\n*/")).toBe("# T\n  x");
  });
});
