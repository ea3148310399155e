/**
 * parse_yaml() and parse_xml(): a document's text (accessor `data`) as a VQL value, the way
 * Velociraptor's (vql/parsers/yaml.go, xml.go) shape it. YAML is read with the `yaml` package
 * under YAML 1.1 rules, as Go's yaml.v2 reads it (yes/no are booleans, dates stay strings,
 * only string keys are kept). XML goes through fast-xml-parser with mxj's conventions:
 * attributes as `Attr<name>`, an element's text beside attributes as `#text`, repeated elements
 * as lists, every value a string, keys sorted as a Go map serialises them.
 */
import { XMLParser } from "fast-xml-parser";
import { isMap, isScalar, isSeq, isAlias, parseAllDocuments, type Document } from "yaml";
import { OrderedDict } from "../../values/ordered-dict";
import { arg } from "../arg";
import { defineFunction } from "../define";
import { DATA_ACCESSOR_DOC, dataText } from "./data-source";

/** Nodes visited at most per document: aliases can make a small text expand exponentially. */
const MAX_NODES = 1_000_000;

function yamlValue(node: unknown, doc: Document, depth = 0, budget = { left: MAX_NODES }): unknown {
  if (depth > 100) throw new Error("document nested too deeply");
  if (--budget.left < 0) throw new Error("document expands to too many values (aliases)");
  if (isAlias(node)) return yamlValue(node.resolve(doc), doc, depth + 1, budget);
  if (isMap(node)) {
    const d = new OrderedDict();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (typeof key !== "string") continue;
      d.set(key, yamlValue(pair.value, doc, depth + 1, budget));
    }
    return d;
  }
  if (isSeq(node)) return node.items.map((x) => yamlValue(x, doc, depth + 1, budget));
  if (isScalar(node)) {
    if (node.value instanceof Date) return node.source ?? node.value.toISOString();
    if (node.value instanceof Uint8Array) return node.source ?? "";
    return node.value;
  }
  return null;
}

/** The first YAML document as a value; throws on a syntax error. */
export function parseYamlText(text: string): unknown {
  const docs = parseAllDocuments(text, { version: "1.1", uniqueKeys: false });
  if (!Array.isArray(docs)) return null;
  const doc = docs[0];
  if (!doc) return null;
  if (doc.errors.length) throw new Error(doc.errors[0]!.message.split("\n")[0]);
  return yamlValue(doc.contents, doc);
}

export const parseYamlFunction = defineFunction({
  name: "parse_yaml",
  category: "parsers",
  doc: "Parse YAML (accessor `data`: `filename` holds the text) into a dict, list or scalar.",
  args: {
    filename: arg.string().required().doc("Yaml Filename (with accessor `data`: the YAML text)."),
    accessor: arg.string().default("auto").doc(DATA_ACCESSOR_DOC),
    schema: arg.list(arg.string()).doc("Json schema to use for validation (not supported: logged and ignored)."),
  },
  version: 2,
  async run({ filename, accessor, schema }, ctx) {
    const text = await dataText(filename, accessor, ctx);
    if (text === undefined) return null;
    if (schema?.length) ctx.log("WARN", "parse_yaml: schema validation is not supported; the document is returned unvalidated");
    try {
      return parseYamlText(text);
    } catch (err) {
      ctx.log("ERROR", `parse_yaml: ${(err as Error).message}`);
      return null;
    }
  },
});

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "Attr",
  textNodeName: "#text",
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
});

function sortedValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedValue);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return new OrderedDict(
      Object.keys(o)
        .sort()
        .map((k) => [k, sortedValue(o[k])] as const),
    );
  }
  return v;
}

export const parseXmlFunction = defineFunction({
  name: "parse_xml",
  category: "parsers",
  doc: "Parse an XML document (accessor `data`: `file` holds the text) into a dict: attributes as `Attr<name>`, text beside attributes as `#text`, repeated elements as lists.",
  args: {
    file: arg.string().required().doc("XML file to open (with accessor `data`: the XML text)."),
    accessor: arg.string().default("auto").doc(DATA_ACCESSOR_DOC),
  },
  version: 2,
  async run({ file, accessor }, ctx) {
    const text = await dataText(file, accessor, ctx);
    if (text === undefined) return null;
    try {
      const v = xml.parse(text, true);
      if (Object.keys(v).length === 0) throw new Error("no root element");
      return sortedValue(v);
    } catch (err) {
      ctx.log("ERROR", `NewMapXmlReader: ${(err as Error).message}`);
      return null;
    }
  },
});
