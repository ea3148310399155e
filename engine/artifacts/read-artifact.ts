// The top level of an artifact document: every known field read with its position, unknown
// fields kept in `extra` (with a warning when they look like a typo of a known one).
import { isMap, isSeq } from "yaml";
import { readParameters } from "./read-parameters";
import { readSources } from "./read-sources";
import { ARTIFACT_TYPES, type Artifact, type ArtifactType, type ColumnType, type Resources, type Span } from "./types";
import { describeNode, pairsOf, readNumber, readText, readTextItems, readTextList, readVql, toPlain, type Reader, type YamlNode } from "./yaml-doc";

/** Fields Talon reads. */
const READ = ["name", "description", "author", "type", "parameters", "sources", "precondition", "export", "imports", "required_permissions", "implied_permissions", "impersonate", "resources", "column_types", "aliases", "reference", "references"];
/** Fields Velociraptor defines that Talon keeps without interpreting. */
const KEPT = ["tools", "reports", "metadata", "sigma", "queries", "level", "tags"];

const RESOURCE_FIELDS: Record<string, keyof Resources> = {
  timeout: "timeout",
  ops_per_second: "opsPerSecond",
  cpu_limit: "cpuLimit",
  iops_limit: "iopsLimit",
  max_rows: "maxRows",
  max_upload_bytes: "maxUploadBytes",
  max_batch_wait: "maxBatchWait",
  max_batch_rows: "maxBatchRows",
  max_batch_rows_buffer: "maxBatchRowsBuffer",
};

export interface ReadArtifact {
  artifact: Artifact;
  /** Where the name was written (for name diagnostics). */
  nameNode: YamlNode;
  /** Where the type was written. */
  typeNode: YamlNode;
  /** `imports` and `required_permissions` items with their spans. */
  importItems: Array<{ text: string; span: Span }>;
  permissionItems: Array<{ text: string; span: Span }>;
}

export function readArtifact(r: Reader, root: YamlNode): ReadArtifact | undefined {
  if (!isMap(root)) {
    r.report("ART1002", root ?? { start: 0, end: Math.min(1, r.text.length) }, [describeNode(root)]);
    return undefined;
  }
  const a: Artifact = {
    name: "", type: "CLIENT", description: "", author: "", aliases: [], references: [], parameters: [], sources: [],
    imports: [], requiredPermissions: [], impliedPermissions: [], resources: {}, columnTypes: [], extra: {}, raw: r.text,
  };
  const out: ReadArtifact = { artifact: a, nameNode: undefined, typeNode: undefined, importItems: [], permissionItems: [] };
  for (const { key, keyNode, value } of pairsOf(root)) {
    switch (key) {
      case "name":
        a.name = (readText(r, value, "name") ?? "").trim();
        out.nameNode = value ?? keyNode;
        break;
      case "description":
        a.description = readText(r, value, "description") ?? "";
        break;
      case "author":
        a.author = readText(r, value, "author") ?? "";
        break;
      case "type": {
        const t = (readText(r, value, "type") ?? "").trim().toUpperCase();
        out.typeNode = value ?? keyNode;
        if (t === "") break;
        if ((ARTIFACT_TYPES as readonly string[]).includes(t)) a.type = t as ArtifactType;
        else r.report("ART1007", out.typeNode, [t, ARTIFACT_TYPES.join(", ")]);
        break;
      }
      case "parameters":
        a.parameters = readParameters(r, value);
        break;
      case "sources":
        a.sources = readSources(r, value);
        break;
      case "precondition":
        a.precondition = readVql(r, value, "precondition");
        break;
      case "export":
        a.export = readVql(r, value, "export");
        break;
      case "imports":
        out.importItems = readTextItems(r, value, "imports");
        a.imports = out.importItems.map((i) => i.text);
        break;
      case "required_permissions":
        out.permissionItems = readTextItems(r, value, "required_permissions");
        a.requiredPermissions = out.permissionItems.map((i) => i.text);
        break;
      case "implied_permissions":
        a.impliedPermissions = readTextList(r, value, "implied_permissions");
        break;
      case "impersonate":
        a.impersonate = readText(r, value, "impersonate");
        break;
      case "resources":
        a.resources = readResources(r, value);
        break;
      case "column_types":
        a.columnTypes = readColumnTypes(r, value);
        break;
      case "aliases":
        a.aliases = readTextList(r, value, "aliases");
        break;
      case "reference":
      case "references":
        a.references.push(...readTextList(r, value, key));
        break;
      default:
        if (!KEPT.includes(key)) {
          const near = closest(key, READ);
          r.report("ART1004", keyNode, [key, near ? `; did you mean \`${near}\`?` : ""]);
        }
        a.extra[key] = toPlain(value);
    }
  }
  return out;
}

function readResources(r: Reader, node: YamlNode): Resources {
  const res: Resources = {};
  if (node == null) return res;
  if (!isMap(node)) {
    r.report("ART1003", node, ["resources", "a mapping", describeNode(node)]);
    return res;
  }
  for (const { key, keyNode, value } of pairsOf(node)) {
    const field = RESOURCE_FIELDS[key];
    if (!field) {
      r.report("ART1004", keyNode, [`resources.${key}`, ""]);
      continue;
    }
    const n = readNumber(r, value, `resources.${key}`);
    if (n !== undefined) res[field] = n;
  }
  return res;
}

function readColumnTypes(r: Reader, node: YamlNode): ColumnType[] {
  if (node == null) return [];
  if (!isSeq(node)) {
    r.report("ART1003", node, ["column_types", "a list", describeNode(node)]);
    return [];
  }
  return node.items.flatMap((item, i) => {
    if (!isMap(item)) {
      r.report("ART1003", item as YamlNode, [`column_types[${i}]`, "a mapping with `name` and `type`", describeNode(item as YamlNode)]);
      return [];
    }
    const m = Object.fromEntries(pairsOf(item).map((p) => [p.key, readText(r, p.value, `column_types[${i}].${p.key}`) ?? ""]));
    const c: ColumnType = { name: m.name ?? "", type: m.type ?? "" };
    if (m.description) c.description = m.description;
    return [c];
  });
}

/** The known name within edit distance 2, for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
