import { describe, expect, it } from "vitest";
import { parse } from "../parser/parse";
import { lineCol, lineStarts, offsetAt, position, renderAt, renderDiagnostic } from "./positions";

describe("positions", () => {
  const text = "SELECT 1\r\nFROM x()\n\tWHERE y\rLIMIT";

  it("finds line starts for \\n, \\r\\n and lone \\r", () => {
    expect(lineStarts(text)).toEqual([0, 10, 19, 28]);
  });

  it("maps offsets to 1-based line:col and 0-based positions, and back", () => {
    expect(lineCol(text, 0)).toEqual({ line: 1, col: 1 });
    expect(lineCol(text, 15)).toEqual({ line: 2, col: 6 });
    expect(position(text, 20)).toEqual({ line: 2, character: 1 });
    expect(offsetAt(text, 2, 1)).toBe(20);
    expect(lineCol(text, text.length)).toEqual({ line: 4, col: 6 });
  });

  it("renders line:col, the source line and a caret under the span (tabs kept)", () => {
    expect(renderAt(text, { start: 20, end: 25 }, "here")).toBe("3:2: here\n\tWHERE y\n\t^^^^^");
    expect(renderAt(text, { start: 20, end: 25 }, "here", "cell 3")).toBe("cell 3, line 3:2: here\n\tWHERE y\n\t^^^^^");
  });

  it("renders a diagnostic with its severity, code and hint", () => {
    const q = "SELECT 1 FROM scope() # x";
    const d = parse(q).diagnostics[0]!;
    expect(renderDiagnostic(q, d).split("\n")).toEqual([
      "1:23: error VQL1001: unexpected character `#`",
      "SELECT 1 FROM scope() # x",
      "                      ^",
      "hint: VQL comments start with `--`, `//` or `/*`",
    ]);
  });

  it("puts a single caret at the end of text for an error at end of input", () => {
    expect(renderAt("SELECT 1", { start: 8, end: 8 }, "x")).toBe("1:9: x\nSELECT 1\n        ^");
  });
});
