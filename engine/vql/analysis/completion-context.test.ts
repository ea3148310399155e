import { describe, expect, it } from "vitest";
import { completionContext } from "./completion-context";

/** Context at the `|` marker. */
const at = (textWithCursor: string) => {
  const offset = textWithCursor.indexOf("|");
  return completionContext(textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1), offset);
};

describe("completionContext()", () => {
  it("offers statements at the start and after a complete statement", () => {
    expect(at("|")).toMatchObject({ kind: "statement", prefix: "" });
    expect(at("SEL|")).toMatchObject({ kind: "statement", prefix: "SEL", replace: { start: 0, end: 3 } });
    expect(at("SELECT * FROM x() LIMIT 5 |")).toMatchObject({ kind: "statement" });
  });

  it("finds plugin positions after FROM, also inside subqueries", () => {
    expect(at("SELECT * FROM |")).toMatchObject({ kind: "plugin", prefix: "" });
    expect(at("SELECT * FROM gl|")).toMatchObject({ kind: "plugin", prefix: "gl" });
    expect(at("SELECT * FROM foreach(row=x, query={ SELECT * FROM pr|")).toMatchObject({ kind: "plugin", prefix: "pr" });
  });

  it("finds artifact names after `Artifact.` in FROM and in expressions", () => {
    expect(at("SELECT * FROM Artifact.|")).toMatchObject({ kind: "artifact", prefix: "" });
    expect(at("SELECT * FROM Artifact.Windows.Sys|")).toMatchObject({ kind: "artifact", prefix: "Windows.Sys", replace: { start: 23, end: 34 } });
    expect(at("SELECT Artifact.Linux.|")).toMatchObject({ kind: "artifact", prefix: "Linux." });
  });

  it("finds argument-name positions with the arguments already given", () => {
    expect(at("SELECT * FROM glob(|")).toMatchObject({ kind: "argument-name", call: { name: "glob", calleeKind: "plugin", given: [] } });
    expect(at("SELECT * FROM glob(globs='x', acc|")).toMatchObject({
      kind: "argument-name",
      prefix: "acc",
      call: { name: "glob", given: ["globs"] },
    });
    expect(at("SELECT format(format='%v', args=upcase(|")).toMatchObject({ kind: "argument-name", call: { name: "upcase", calleeKind: "function" } });
    expect(at("SELECT * FROM Artifact.Windows.Sys.Users(|")).toMatchObject({ kind: "argument-name", call: { name: "Artifact.Windows.Sys.Users", calleeKind: "plugin" } });
  });

  it("finds argument values, inside strings too", () => {
    expect(at("SELECT * FROM glob(globs=|")).toMatchObject({ kind: "argument-value", arg: "globs", inString: false });
    expect(at('SELECT * FROM source(artifact="Win|')).toMatchObject({
      kind: "argument-value",
      arg: "artifact",
      inString: true,
      prefix: "Win",
      call: { name: "source", calleeKind: "plugin" },
    });
    expect(at("SELECT * FROM source(artifact='Windows.Sys|tem', source='x')")).toMatchObject({
      kind: "argument-value",
      prefix: "Windows.Sys",
      replace: { start: 31, end: 45 },
    });
  });

  it("finds expression positions after SELECT, operators, WHERE and LET", () => {
    expect(at("SELECT |")).toMatchObject({ kind: "expression" });
    expect(at("SELECT * FROM x() WHERE a AND |")).toMatchObject({ kind: "expression" });
    expect(at("LET X = up|")).toMatchObject({ kind: "expression", prefix: "up" });
    expect(at("SELECT * FROM glob(globs=x + |")).toMatchObject({ kind: "expression", call: { name: "glob" } });
  });

  it("finds keyword positions after an operand or a FROM target", () => {
    expect(at("SELECT * FROM scope() |")).toMatchObject({ kind: "clause" });
    expect(at("SELECT * FROM glob(globs='x') WH|")).toMatchObject({ kind: "clause", prefix: "WH" });
    expect(at("SELECT * FROM x() WHERE a |")).toMatchObject({ kind: "clause" });
  });

  it("finds members, ORDER BY columns, and nothing in comments, strings and names being defined", () => {
    expect(at("SELECT X.y.|")).toMatchObject({ kind: "member", object: "X.y" });
    expect(at("SELECT * FROM x() ORDER BY |")).toMatchObject({ kind: "column" });
    expect(at("SELECT 'abc|")).toEqual({ kind: "none" });
    expect(at("-- a comment|")).toEqual({ kind: "none" });
    expect(at("SELECT /* x| */ 1")).toEqual({ kind: "none" });
    expect(at("LET |")).toEqual({ kind: "none" });
    expect(at("SELECT 1 AS |")).toEqual({ kind: "none" });
  });
});
