import { describe, expect, it } from "vitest";
import { lineCol } from "../vql/ast/positions";
import { formatDiagnostic, loadArtifact, type Diagnostic } from ".";

/** `code@line:col` for each diagnostic, the shape the assertions read. */
function at(text: string, ds: Diagnostic[]): string[] {
  return ds.map((d) => {
    const p = lineCol(text, d.span.start);
    return `${d.code}@${p.line}:${p.col}`;
  });
}

/** The 1-based line:col of the first occurrence of `needle` in `text` (computed, not copied). */
function where(text: string, needle: string, from = 0): string {
  const i = text.indexOf(needle, from);
  if (i < 0) throw new Error(`${needle} not in text`);
  const p = lineCol(text, i);
  return `${p.line}:${p.col}`;
}

const GOOD = `name: Custom.Test.Good
description: A test artifact
type: client
parameters:
  - name: MaxRows
    type: int
    default: 5
sources:
  - name: One
    query: |
      SELECT * FROM info() WHERE MaxRows > 0
`;

describe("loadArtifact()", () => {
  it("reads a well-formed artifact: type is case-insensitive, defaults stay strings", () => {
    const r = loadArtifact(GOOD);
    expect(r.diagnostics).toEqual([]);
    expect(r.artifact?.name).toBe("Custom.Test.Good");
    expect(r.artifact?.type).toBe("CLIENT");
    expect(r.artifact?.parameters[0]).toMatchObject({ name: "MaxRows", type: "int", default: "5", hasDefault: true });
    expect(r.artifact?.sources[0]?.query?.text).toBe("SELECT * FROM info() WHERE MaxRows > 0\n");
  });

  it("defaults the type to CLIENT and keeps unknown Velociraptor fields without complaint", () => {
    const text = `name: A.B\nsources:\n  - query: SELECT 1 FROM scope()\ntools:\n  - name: T\n    url: http://x\nreports:\n  - type: CLIENT\n    template: hi\n`;
    const r = loadArtifact(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.artifact?.type).toBe("CLIENT");
    expect(r.artifact?.extra.tools).toEqual([{ name: "T", url: "http://x" }]);
    expect(r.artifact?.extra.reports).toEqual([{ type: "CLIENT", template: "hi" }]);
  });

  it("reports a YAML syntax error at its line:col and returns no artifact", () => {
    const text = "name: A.B\nsources:\n  - query: [SELECT\n";
    const r = loadArtifact(text);
    expect(r.artifact).toBeUndefined();
    expect(r.diagnostics[0]?.code).toBe("ART1001");
    expect(r.diagnostics[0]?.message).toMatch(/^invalid YAML: /);
  });

  it("refuses control characters YAML does not allow (a NUL, an escape), at their line:col, as Velociraptor's parser does", () => {
    for (const ch of ["\u0000", "\u001B"]) {
      const text = `name: A.B\nsources:\n  - query: SELECT 'a${ch}b' AS A FROM scope()\n`;
      const r = loadArtifact(text);
      expect(r.artifact).toBeUndefined();
      expect(at(text, r.diagnostics)).toEqual([`ART1001@${where(text, ch)}`]);
      expect(r.diagnostics[0]!.message).toBe(`invalid YAML: control character U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} is not allowed`);
    }
    // Tabs and CRLF line ends are YAML's own.
    expect(loadArtifact("name: A.B\r\nsources:\r\n  - query: SELECT '\t' AS A FROM scope()\r\n").diagnostics).toEqual([]);
  });

  it("reports a YAML error at the offending token", () => {
    const text = "name: A.B\nsources:\n  - query: x\n   bad: [1\n";
    const r = loadArtifact(text);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics.every((d) => d.code === "ART1001")).toBe(true);
    expect(lineCol(text, r.diagnostics[0]!.span.start).line).toBeGreaterThanOrEqual(3);
  });

  it("reports choices without a list, a `/` in a source name, unknown notebook cell types, and a name that does not match its path", () => {
    const text = [
      "name: A.B",
      "parameters:",
      "  - name: Pick",
      "    type: choices",
      "sources:",
      "  - name: x/y",
      "    query: SELECT 1 FROM scope()",
      "    notebook:",
      "      - type: slideshow",
      "        template: hi",
      "",
    ].join("\n");
    const r = loadArtifact(text, { expectedName: "A.C" });
    expect(at(text, r.diagnostics)).toEqual([
      `ART2004@${where(text, "A.B")}`,
      `ART1014@${where(text, "- name: Pick").replace(/:(\d+)$/, (_, c: string) => `:${Number(c) + 2}`)}`,
      `ART1016@${where(text, "x/y")}`,
      `ART1017@${where(text, "slideshow")}`,
    ]);
  });

  it("reports a document that is not a mapping", () => {
    const r = loadArtifact("- just\n- a list\n");
    expect(at("- just\n- a list\n", r.diagnostics)).toEqual(["ART1002@1:1"]);
  });

  it("reports a missing name at the start of the file", () => {
    const text = "description: no name\nsources:\n  - query: SELECT 1 FROM scope()\n";
    expect(at(text, loadArtifact(text).diagnostics)).toEqual(["ART1005@1:1"]);
  });

  it("reports a name that is not words joined by dots at the name; one word is a name, as in Velociraptor", () => {
    const text = "description: x\nname: not-dotted\nsources:\n  - query: SELECT 1 FROM scope()\n";
    expect(at(text, loadArtifact(text).diagnostics)).toEqual([`ART1006@${where(text, "not-dotted")}`]);
    for (const bad of ["A..B", ".A", "A.", "A B"]) expect(loadArtifact(`name: ${bad}\n`).diagnostics.map((d) => d.code)).toEqual(["ART1006"]);
    expect(loadArtifact("name: AutomateServerLabels\n").diagnostics).toEqual([]);
    expect(loadArtifact("name: Server_Labels_2\n").diagnostics).toEqual([]);
  });

  it("refuses a built-in's name when told which names are built-ins, and offers its Custom. override", () => {
    const text = "name: Linux.Sys.Pslist\nsources:\n  - query: SELECT 1 FROM scope()\n";
    const isBuiltinName = (n: string) => n === "Linux.Sys.Pslist";
    const r = loadArtifact(text, { isBuiltinName });
    expect(at(text, r.diagnostics)).toEqual([`ART2005@${where(text, "Linux.Sys.Pslist")}`]);
    expect(r.diagnostics[0]).toMatchObject({
      severity: "error",
      message: "`Linux.Sys.Pslist` is a built-in artifact; save your version as `Custom.Linux.Sys.Pslist`",
      hint: "rename it to `Custom.Linux.Sys.Pslist`: collections of `Linux.Sys.Pslist` then run your version",
    });
    expect(loadArtifact(text, { isBuiltinName, overridePrefix: "Team." }).diagnostics[0]?.message).toContain("`Team.Linux.Sys.Pslist`");
    expect(loadArtifact(text.replace("Linux.Sys.Pslist", "Custom.Linux.Sys.Pslist"), { isBuiltinName }).diagnostics).toEqual([]);
    expect(loadArtifact(text.replace("Linux.Sys.Pslist", "MyPslist"), { isBuiltinName }).diagnostics).toEqual([]);
  });

  it("reports an unknown artifact type at the type", () => {
    const text = "name: A.B\ntype: SERVERISH\nsources:\n  - query: SELECT 1 FROM scope()\n";
    const r = loadArtifact(text);
    expect(at(text, r.diagnostics)).toEqual([`ART1007@${where(text, "SERVERISH")}`]);
    expect(r.diagnostics[0]?.message).toContain("CLIENT, CLIENT_EVENT, SERVER, SERVER_EVENT, NOTEBOOK");
  });

  it("requires a prefix only when asked (pack imports, artifact_set(prefix=...))", () => {
    const text = "name: Linux.Mine\nsources:\n  - query: SELECT 1 FROM scope()\n";
    const r = loadArtifact(text, { requirePrefix: "Custom." });
    expect(at(text, r.diagnostics)).toEqual([`ART1008@${where(text, "Linux.Mine")}`]);
    expect(r.diagnostics[0]?.message).toBe("a custom artifact's name must start with `Custom.`, found `Linux.Mine`");
    expect(loadArtifact(text.replace("Linux.Mine", "Custom.Linux.Mine"), { requirePrefix: "Custom." }).diagnostics).toEqual([]);
  });

  it("reports duplicate source names at the second one; unnamed sources may repeat", () => {
    const text = "name: A.B\nsources:\n  - name: S\n    query: SELECT 1 FROM scope()\n  - name: S\n    query: SELECT 2 FROM scope()\n  - query: SELECT 3 FROM scope()\n  - query: SELECT 4 FROM scope()\n";
    const second = text.indexOf("name: S", text.indexOf("name: S") + 1) + "name: ".length;
    expect(at(text, loadArtifact(text).diagnostics)).toEqual([`ART1009@${where(text, "S", second)}`]);
  });

  it("reports a source without a query, except in notebook artifacts", () => {
    const text = "name: A.B\nsources:\n  - name: Empty\n";
    expect(at(text, loadArtifact(text).diagnostics)).toEqual([`ART1010@${where(text, "Empty")}`]);
    const nb = "name: A.B\ntype: NOTEBOOK\nsources:\n  - notebook:\n      - type: markdown\n        template: hi\n";
    expect(loadArtifact(nb).diagnostics).toEqual([]);
  });

  it("reports wrong field kinds, duplicate and nameless parameters, unknown parameter types", () => {
    const text = [
      "name: A.B",
      "sources: not-a-list",
      "parameters:",
      "  - name: P",
      "  - name: P",
      "  - type: int",
      "  - name: Q",
      "    type: wibble",
      "",
    ].join("\n");
    const r = loadArtifact(text);
    expect(at(text, r.diagnostics)).toEqual([
      `ART1003@${where(text, "not-a-list")}`,
      `ART1012@${where(text, "P", text.indexOf("- name: P") + 12)}`,
      `ART1011@${where(text, "type: int")}`,
      `ART1013@${where(text, "wibble")}`,
    ]);
  });

  it("warns about a misspelt field and suggests the known one", () => {
    const text = "name: A.B\nparamters: []\nsources:\n  - query: SELECT 1 FROM scope()\n";
    const r = loadArtifact(text);
    expect(at(text, r.diagnostics)).toEqual([`ART1004@${where(text, "paramters")}`]);
    expect(r.diagnostics[0]?.severity).toBe("warning");
    expect(r.diagnostics[0]?.message).toContain("did you mean `parameters`?");
    expect(r.artifact?.extra.paramters).toEqual([]);
  });

  it("checks resources are numbers and reads them", () => {
    const text = "name: A.B\nresources:\n  timeout: 30\n  max_rows: lots\nsources:\n  - query: SELECT 1 FROM scope()\n";
    const r = loadArtifact(text);
    expect(at(text, r.diagnostics)).toEqual([`ART1015@${where(text, "lots")}`]);
    expect(r.artifact?.resources).toEqual({ timeout: 30 });
  });

  it("warns about unknown permissions and defaults that do not convert", () => {
    const text = [
      "name: A.B",
      "required_permissions:",
      "  - EXECVE",
      "  - MAKE_COFFEE",
      "parameters:",
      "  - name: N",
      "    type: int",
      "    default: many",
      "  - name: C",
      "    type: choices",
      "    default: z",
      "    choices: [a, b]",
      "sources:",
      "  - query: SELECT 1 FROM scope()",
      "",
    ].join("\n");
    const r = loadArtifact(text, { knownPermissions: ["EXECVE"] });
    expect(at(text, r.diagnostics)).toEqual([`ART2001@${where(text, "MAKE_COFFEE")}`, `ART3001@${where(text, "N\n")}`, `ART3002@${where(text, "C\n")}`]);
    expect(r.diagnostics.every((d) => d.severity === "warning")).toBe(true);
  });

  it("reports VQL syntax errors at the file's line:col inside a block literal", () => {
    const text = "name: A.B\nsources:\n  - query: |\n      LET X = 1\n      SELECT * FROM info() WHERE X ==== 1\n";
    const r = loadArtifact(text);
    const errs = r.diagnostics.filter((d) => d.code.startsWith("VQL"));
    expect(errs.length).toBeGreaterThan(0);
    expect(at(text, errs)[0]).toBe(`${errs[0]!.code}@${where(text, "==")}`);
  });

  it("reports an error at the end of a query after its last character, not on the next line", () => {
    const text = "name: A.B\nsources:\n  - query: |\n      SELECT * FROM info() WHERE\n\ndescription: x\n";
    const d = loadArtifact(text).diagnostics.filter((x) => x.severity === "error");
    expect(at(text, d)).toEqual([`VQL1013@${where(text, "WHERE")}`.replace(/:(\d+)$/, (_, c: string) => `:${Number(c) + 5}`)]);
  });

  it("maps VQL positions in plain multi-line, double-quoted and legacy `queries:` scalars", () => {
    const plain = "name: A.B\nsources:\n  - precondition: SELECT OS FROM info()\n      WHERE OS = = 'linux'\n    query: SELECT 1 FROM scope()\n";
    const d1 = loadArtifact(plain).diagnostics.filter((d) => d.severity === "error");
    expect(at(plain, d1.slice(0, 1))).toEqual([`${d1[0]!.code}@${where(plain, "= 'linux'")}`]);

    const quoted = 'name: A.B\nsources:\n  - query: "SELECT \\"a\\" AS x FROM scope() WHERE )"\n';
    const d2 = loadArtifact(quoted).diagnostics.filter((d) => d.severity === "error");
    expect(at(quoted, d2.slice(0, 1))).toEqual([`${d2[0]!.code}@${where(quoted, ")", quoted.indexOf("WHERE"))}`]);

    const legacy = "name: A.B\nsources:\n  - queries:\n      - SELECT 1 FROM scope()\n      - SELECT FROM FROM\n";
    const d3 = loadArtifact(legacy).diagnostics.filter((d) => d.severity === "error");
    expect(d3.length).toBeGreaterThan(0);
    expect(lineCol(legacy, d3[0]!.span.start).line).toBe(5);
  });

  it("warns about Artifact.X() calls and imports the repository does not know", () => {
    const text = "name: A.B\nimports: [Known.One, Gone.Away]\nsources:\n  - query: |\n      SELECT * FROM Artifact.Known.One()\n      SELECT * FROM Artifact.Known.One.SourceA()\n      SELECT * FROM Artifact.No.Such()\n";
    const known = new Set(["Known.One"]);
    const r = loadArtifact(text, { isKnownArtifact: (n) => known.has(n) });
    expect(at(text, r.diagnostics)).toEqual([`ART2002@${where(text, "Gone.Away")}`, `ART2003@${where(text, "Artifact.No.Such")}`]);
  });

  it("passes parameters and exported names to the VQL checker as scope", () => {
    const text = "name: A.B\nparameters:\n  - name: Globs\n    type: csv\nexport: |\n  LET Helper = SELECT 1 FROM scope()\nsources:\n  - query: SELECT * FROM Globs\n";
    const seen: string[][] = [];
    loadArtifact(text, { checkVql: (_t, ctx) => (seen.push([...ctx.scope]), []) });
    expect(seen[0]).toEqual(["Globs", "Helper"]);
  });

  it("formats diagnostics as file:line:col: severity code: message", () => {
    const text = "name: bad name\n";
    const d = loadArtifact(text).diagnostics[0]!;
    expect(formatDiagnostic("x.yaml", text, d)).toBe(`x.yaml:1:7: error ART1006: ${d.message}`);
  });
});

describe("withName()", () => {
  it("rewrites only the name, keeping comments and layout", async () => {
    const { withName, customName } = await import(".");
    const text = "# a comment\nname: Linux.Sys.Pslist   # trailing\ndescription: |\n  name: not this one\n";
    expect(withName(text, customName("Linux.Sys.Pslist"))).toBe(
      "# a comment\nname: Custom.Linux.Sys.Pslist   # trailing\ndescription: |\n  name: not this one\n",
    );
    expect(customName("Custom.X.Y")).toBe("Custom.X.Y");
    expect(withName("sources: []\n", "A.B")).toBe("name: A.B\nsources: []\n");
  });
});

describe("lintChecker()", () => {
  it("warns about unknown functions at the file position, but not about parameters used as plugins", async () => {
    const { lintChecker } = await import(".");
    const descriptors = [
      { name: "info", kind: "plugin" as const, args: [] },
      { name: "format", kind: "function" as const, args: [{ name: "format", required: true }] },
    ];
    const text = "name: A.B\nparameters:\n  - name: Rows\n    type: csv\nsources:\n  - query: |\n      SELECT formatt(format='x') FROM info()\n      SELECT * FROM Rows\n";
    const server = text.replace("name: A.B", "name: A.B\ntype: SERVER");
    const r = loadArtifact(server, { checkVql: lintChecker(descriptors) });
    expect(at(server, r.diagnostics)).toEqual([`VQL2001@${where(server, "formatt")}`]);
    expect(r.diagnostics[0]?.severity).toBe("warning");
    expect(r.diagnostics[0]?.message).toContain("`format`");
    // Client artifacts call the agent's builtins, which the server does not know.
    expect(loadArtifact(text, { checkVql: lintChecker(descriptors) }).diagnostics).toEqual([]);
    expect(at(text, loadArtifact(text, { checkVql: lintChecker(descriptors, { includesClientBuiltins: true }) }).diagnostics)).toEqual([`VQL2001@${where(text, "formatt")}`]);
  });
});
