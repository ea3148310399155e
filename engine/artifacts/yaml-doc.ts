// Reading the YAML with positions: parse errors as diagnostics, node spans, value kinds for
// messages, and scalar readers that record a diagnostic instead of throwing. Uses the `yaml`
// package's document API (positions kept), nothing else.
import { isMap, isScalar, isSeq, parseDocument, Scalar, type Document, type Node, type Pair, type YAMLMap } from "yaml";
import { artifactDiagnostic, type ArtifactDiagnosticCode } from "./diagnostics";
import { alignScalar } from "./source-map";
import type { Diagnostic, Span, VqlBlock } from "./types";

export type YamlNode = Node | null | undefined;

/** Collects diagnostics while the loader walks the document. */
export class Reader {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly text: string) {}

  report(code: ArtifactDiagnosticCode, at: YamlNode | Span, args: readonly string[] = [], hint?: string): void {
    const span = at && "start" in at ? at : spanOf(at, this.text);
    this.diagnostics.push(artifactDiagnostic(code, span, args, hint));
  }
}

/** Characters YAML 1.2 does not allow in a stream (outside its printable set, §5.1): C0 controls but tab, LF and CR; DEL; C1 controls but NEL. */
const NON_PRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFFFE\uFFFF]/;

export function parseYaml(text: string): { doc: Document.Parsed; diagnostics: Diagnostic[] } {
  const doc = parseDocument(text, { keepSourceTokens: true, prettyErrors: false, uniqueKeys: true });
  const diagnostics: Diagnostic[] = [];
  // The yaml package reads them; YAML (and Velociraptor's Go parser: "control characters are not
  // allowed") does not, and a NUL cannot be stored in PostgreSQL text.
  const bad = NON_PRINTABLE.exec(text);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    diagnostics.push(artifactDiagnostic("ART1001", { start: bad.index, end: bad.index + 1 }, [`control character U+${code} is not allowed`]));
  }
  for (const e of [...doc.errors, ...doc.warnings]) {
    const [start, end] = e.pos;
    const span = { start, end: Math.max(end, start + 1) };
    const d = artifactDiagnostic("ART1001", span, [yamlMessage(e.message)]);
    if (doc.warnings.includes(e)) d.severity = "warning";
    diagnostics.push(d);
  }
  return { doc, diagnostics };
}

/** The yaml package's message without its " at line N, column M" tail, in house style. */
function yamlMessage(message: string): string {
  const first = message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "").replace(/\.$/, "");
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/** The node's span; a missing node points at the start of the text. */
export function spanOf(node: YamlNode, text: string): Span {
  const r = node?.range;
  if (!r) return { start: 0, end: Math.min(1, text.length) };
  return { start: r[0], end: Math.max(r[1], r[0] + 1) };
}

/** For messages: "a list", "a mapping", "the number 3", "nothing". */
export function describeNode(node: YamlNode): string {
  if (node == null) return "nothing";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return "nothing";
    if (typeof v === "string") return "text";
    if (typeof v === "number") return `the number ${node.source ?? v}`;
    if (typeof v === "boolean") return `\`${v}\``;
  }
  return "an unexpected value";
}

export function pairsOf(map: YAMLMap): Array<{ key: string; keyNode: YamlNode; value: YamlNode; pair: Pair }> {
  const out = [];
  for (const pair of map.items) {
    const keyNode = pair.key as YamlNode;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    out.push({ key, keyNode, value: pair.value as YamlNode, pair });
  }
  return out;
}

/**
 * A scalar as text the way Velociraptor's string fields read it: null is "", numbers and
 * booleans keep their source spelling. Undefined (with a diagnostic) for lists and mappings.
 */
export function readText(r: Reader, node: YamlNode, field: string): string | undefined {
  if (node == null) return "";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return "";
    if (typeof v === "string") return v;
    return node.type === Scalar.PLAIN && node.source !== undefined ? node.source : String(v);
  }
  r.report("ART1003", node, [field, "text", describeNode(node)]);
  return undefined;
}

/** A list of texts; a single scalar is accepted as a one-element list. */
export function readTextList(r: Reader, node: YamlNode, field: string): string[] {
  if (node == null) return [];
  if (isSeq(node)) {
    const out: string[] = [];
    node.items.forEach((item, i) => {
      const t = readText(r, item as YamlNode, `${field}[${i}]`);
      if (t !== undefined && t !== "") out.push(t);
    });
    return out;
  }
  const one = readText(r, node, field);
  return one ? [one] : [];
}

export function readNumber(r: Reader, node: YamlNode, field: string): number | undefined {
  if (node == null) return undefined;
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === "") return undefined;
    const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
    if (Number.isFinite(n) && n >= 0) return n;
  }
  r.report("ART1015", node, [field, describeNode(node)]);
  return undefined;
}

/** A VQL scalar with its source map; undefined (and a diagnostic) when not text. */
export function readVql(r: Reader, node: YamlNode, path: string): VqlBlock | undefined {
  if (node == null) return undefined;
  if (!isScalar(node) || (node.value !== null && typeof node.value !== "string")) {
    r.report("ART1003", node, [path, "VQL text", describeNode(node)]);
    return undefined;
  }
  const text = (node.value as string | null) ?? "";
  if (text.trim() === "") return undefined;
  const [start, valueEnd] = node.range ?? [0, 0];
  const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
  const contentStart = block ? nextLineStart(r.text, start, valueEnd) : start;
  return { text, span: { start, end: valueEnd }, map: alignScalar(text, r.text, contentStart, valueEnd), path };
}

function nextLineStart(text: string, from: number, limit: number): number {
  const nl = text.indexOf("\n", from);
  return nl < 0 || nl >= limit ? limit : nl + 1;
}

/** Plain JSON for a node kept as written (unknown fields). */
export function toPlain(node: YamlNode): unknown {
  if (node == null) return null;
  return (node as Node).toJSON();
}

/** Like readTextList, keeping each item's span (for diagnostics about one item). */
export function readTextItems(r: Reader, node: YamlNode, field: string): Array<{ text: string; span: Span }> {
  if (node == null) return [];
  const items = isSeq(node) ? (node.items as YamlNode[]) : [node];
  const out: Array<{ text: string; span: Span }> = [];
  items.forEach((item, i) => {
    const t = readText(r, item, isSeq(node) ? `${field}[${i}]` : field);
    if (t) out.push({ text: t, span: spanOf(item, r.text) });
  });
  return out;
}
