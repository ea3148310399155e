// "Save as artifact": the YAML of an artifact made from a notebook cell (name, type,
// description, parameters, one source with the cell's query, a reference back to the cell),
// and a first validation of such YAML (shape, names, type, and the query parsed as VQL). Pure.
import { parseDocument, stringify, type Scalar } from "yaml";
import { parse as parseVql } from "../vql/parser";
import { lineCol } from "../vql/ast/positions";
import type { PlainParameter } from "./plain-text";

export const ARTIFACT_TYPES = ["SERVER_EVENT", "CLIENT_EVENT", "SERVER", "CLIENT"] as const;
export type ArtifactType = (typeof ARTIFACT_TYPES)[number];

export interface PromoteRequest {
  name: string;
  type: ArtifactType;
  description: string;
  parameters: PlainParameter[];
  sourceName: string;
  query: string;
  /** Link back to the notebook cell the artifact came from. */
  reference: string;
}

/** As engine/artifacts' ARTIFACT_NAME: one word or more (`AutomateServerLabels` is a name, as in Velociraptor). */
const NAME = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
const PARAM_TYPES = new Set(["string", "int", "int64", "bool", "timestamp", "choices", "csv", "json", "json_array", "regex", "yara", "hidden", "upload", "float", "artifactset", "server_metadata", "redacted"]);

/** `Custom.` plus the notebook name in PascalCase words (letters, digits, underscores). */
export function suggestArtifactName(notebookName: string): string {
  const words = notebookName.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const body = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
  return "Custom." + (/^[A-Za-z]/.test(body) ? body : "Notebook" + body);
}

function parameterYaml(p: PlainParameter): Record<string, unknown> {
  const type = p.type === "int" || p.type === "bool" || p.type === "timestamp" || p.type === "choices" || p.type === "json" ? p.type : "string";
  const o: Record<string, unknown> = { name: p.name };
  if (p.description) o.description = p.description;
  if (type !== "string") o.type = type;
  if (p.default !== "") o.default = p.default;
  if (type === "choices" && p.choices?.length) o.choices = p.choices;
  return o;
}

/** The artifact YAML for a promoted cell. */
export function artifactYaml(p: PromoteRequest): string {
  const doc: Record<string, unknown> = {
    name: p.name,
    description: p.description.trim() ? p.description.trim() + "\n" : `Made from a notebook cell.\n`,
    type: p.type,
    reference: [p.reference],
  };
  if (p.parameters.length) doc.parameters = p.parameters.map(parameterYaml);
  const source: Record<string, unknown> = {};
  if (p.sourceName.trim()) source.name = p.sourceName.trim();
  source.query = p.query.replace(/\s+$/, "") + "\n";
  doc.sources = [source];
  return stringify(doc, { blockQuote: "literal", lineWidth: 0 });
}

export interface ArtifactProblem {
  severity: "error" | "warning";
  /** 1-based line and column in the YAML text. */
  line: number;
  col: number;
  message: string;
}

function at(text: string, offset: number): { line: number; col: number } {
  return lineCol(text, Math.max(0, Math.min(text.length, offset)));
}

/** Where line `line` (0-based) column `col` of a block scalar's value sits in the YAML text. */
function blockPosition(text: string, node: Scalar | undefined, line: number, col: number): { line: number; col: number } {
  if (!node?.range) return { line: 1, col: 1 };
  const start = node.range[0];
  const head = at(text, start);
  if (node.type !== "BLOCK_LITERAL" && node.type !== "BLOCK_FOLDED") return head;
  const lines = text.split("\n");
  const first = head.line; // 1-based line of `|`; the value starts on the next line
  const target = lines[first + line] ?? "";
  const indent = /^ */.exec(target)![0].length;
  return { line: first + line + 1, col: indent + col + 1 };
}

/** Problems in artifact YAML; an empty list means it may be saved. */
export function checkArtifactYaml(text: string): ArtifactProblem[] {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) {
    return doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return { severity: "error" as const, line: pos?.line ?? 1, col: pos?.col ?? 1, message: `not valid YAML: ${e.message.split("\n")[0]}` };
    });
  }
  const problems: ArtifactProblem[] = [];
  const nodeAt = (path: (string | number)[]) => {
    const n = doc.getIn(path, true) as Scalar | undefined;
    return n?.range ? at(text, n.range[0]) : { line: 1, col: 1 };
  };
  const a = doc.toJS() as unknown;
  if (!a || typeof a !== "object" || Array.isArray(a)) return [{ severity: "error", line: 1, col: 1, message: "an artifact must be a YAML mapping" }];
  const art = a as Record<string, unknown>;
  if (typeof art.name !== "string" || !NAME.test(art.name)) problems.push({ severity: "error", ...nodeAt(["name"]), message: "`name` must be words of letters, digits and `_`, joined by dots, like `Custom.Server.Monitor`" });
  if (typeof art.type !== "string" || !(ARTIFACT_TYPES as readonly string[]).includes(art.type.toUpperCase()))
    problems.push({ severity: "error", ...nodeAt(["type"]), message: `\`type\` must be one of ${ARTIFACT_TYPES.join(", ")}` });
  if (art.parameters !== undefined) {
    if (!Array.isArray(art.parameters)) problems.push({ severity: "error", ...nodeAt(["parameters"]), message: "`parameters` must be a list" });
    else
      (art.parameters as Record<string, unknown>[]).forEach((p, i) => {
        if (!p || typeof p.name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name))
          problems.push({ severity: "error", ...nodeAt(["parameters", i]), message: "every parameter needs a `name` made of letters, digits and underscores" });
        else if (p.type !== undefined && !PARAM_TYPES.has(String(p.type)))
          problems.push({ severity: "warning", ...nodeAt(["parameters", i, "type"]), message: `parameter \`${p.name}\` has an unknown type \`${String(p.type)}\`` });
      });
  }
  if (!Array.isArray(art.sources) || art.sources.length === 0) {
    problems.push({ severity: "error", ...nodeAt(["sources"]), message: "an artifact needs at least one source with a `query`" });
    return problems;
  }
  (art.sources as Record<string, unknown>[]).forEach((s, i) => {
    if (!s || typeof s.query !== "string" || !s.query.trim()) {
      problems.push({ severity: "error", ...nodeAt(["sources", i]), message: "every source needs a `query`" });
      return;
    }
    const node = doc.getIn(["sources", i, "query"], true) as Scalar | undefined;
    for (const d of parseVql(s.query).diagnostics) {
      const lc = lineCol(s.query, d.span.start);
      const pos = blockPosition(text, node, lc.line - 1, lc.col - 1);
      problems.push({ severity: d.severity === "error" ? "error" : "warning", line: pos.line, col: pos.col, message: d.message });
    }
  });
  return problems;
}
