// `sources:` entries to Source objects: names, preconditions and queries with their positions,
// notebook cells. Legacy `queries:` lists are kept per entry and joined into `query`.
import { isMap, isSeq } from "yaml";
import type { NotebookCell, Source, VqlBlock } from "./types";
import { describeNode, pairsOf, readText, readVql, spanOf, toPlain, type Reader, type YamlNode } from "./yaml-doc";

const NOTEBOOK_TYPES = new Set(["md", "markdown", "vql", "vql_suggestion", "none"]);

export function readSources(r: Reader, node: YamlNode): Source[] {
  if (node == null) return [];
  if (!isSeq(node)) {
    r.report("ART1003", node, ["sources", "a list", describeNode(node)]);
    return [];
  }
  const out: Source[] = [];
  node.items.forEach((item, i) => {
    const s = readSource(r, item as YamlNode, i);
    if (s) out.push(s);
  });
  return out;
}

function readSource(r: Reader, node: YamlNode, i: number): Source | undefined {
  const path = `sources[${i}]`;
  if (!isMap(node)) {
    r.report("ART1003", node, [path, "a mapping with `query`", describeNode(node)]);
    return undefined;
  }
  const s: Source = { name: "", description: "", notebook: [], extra: {} };
  for (const { key, value, keyNode } of pairsOf(node)) {
    switch (key) {
      case "name":
        s.name = (readText(r, value, `${path}.name`) ?? "").trim();
        s.span = spanOf(value ?? keyNode, r.text);
        if (s.name.includes("/")) r.report("ART1016", value, [s.name]);
        break;
      case "description":
        s.description = readText(r, value, `${path}.description`) ?? "";
        break;
      case "precondition":
        s.precondition = readVql(r, value, `${path}.precondition`);
        break;
      case "query":
        s.query = readVql(r, value, `${path}.query`);
        break;
      case "queries":
        s.queries = readQueries(r, value, `${path}.queries`);
        break;
      case "notebook":
        s.notebook = readNotebook(r, value, `${path}.notebook`);
        break;
      default:
        r.report("ART1004", keyNode, [`${path}.${key}`, ""]);
        s.extra[key] = toPlain(value);
    }
  }
  s.span ??= spanOf(node.items[0]?.key as YamlNode, r.text);
  if (!s.query && s.queries?.length) s.query = joinQueries(s.queries);
  return s;
}

function readQueries(r: Reader, node: YamlNode, path: string): VqlBlock[] {
  if (!isSeq(node)) {
    const one = readVql(r, node, path);
    return one ? [one] : [];
  }
  return node.items.flatMap((item, i) => readVql(r, item as YamlNode, `${path}[${i}]`) ?? []);
}

/** One text for the legacy list; each part's map is shifted to its place in the joined text. */
function joinQueries(parts: VqlBlock[]): VqlBlock {
  let text = "";
  const map: VqlBlock["map"] = [];
  for (const p of parts) {
    if (text) text += "\n";
    const base = text.length;
    for (const [v, f] of p.map) map.push([v + base, f]);
    text += p.text;
  }
  return { text, span: { start: parts[0]!.span.start, end: parts.at(-1)!.span.end }, map, path: parts[0]!.path.replace(/\[0\]$/, "") };
}

function readNotebook(r: Reader, node: YamlNode, path: string): NotebookCell[] {
  if (node == null) return [];
  if (!isSeq(node)) {
    r.report("ART1003", node, [path, "a list", describeNode(node)]);
    return [];
  }
  const cells: NotebookCell[] = [];
  node.items.forEach((item, i) => {
    const n = item as YamlNode;
    if (!isMap(n)) {
      r.report("ART1003", n, [`${path}[${i}]`, "a mapping", describeNode(n)]);
      return;
    }
    const cell: NotebookCell = { type: "", extra: {} };
    for (const { key, value } of pairsOf(n)) {
      const where = `${path}[${i}].${key}`;
      if (key === "type") {
        cell.type = (readText(r, value, where) ?? "").toLowerCase();
        if (!NOTEBOOK_TYPES.has(cell.type)) r.report("ART1017", value, [cell.type]);
      } else if (key === "name") cell.name = readText(r, value, where);
      else if (key === "template") cell.template = readText(r, value, where);
      else if (key === "output") cell.output = readText(r, value, where);
      else if (key === "env") cell.env = readEnv(r, value, where);
      else cell.extra[key] = toPlain(value);
    }
    cells.push(cell);
  });
  return cells;
}

function readEnv(r: Reader, node: YamlNode, path: string): Array<{ key: string; value: string }> {
  if (!isSeq(node)) {
    r.report("ART1003", node, [path, "a list of `key`/`value` mappings", describeNode(node)]);
    return [];
  }
  return node.items.flatMap((item) => {
    if (!isMap(item)) return [];
    const m = Object.fromEntries(pairsOf(item).map((p) => [p.key, readText(r, p.value, path) ?? ""]));
    return [{ key: m.key ?? "", value: m.value ?? "" }];
  });
}
