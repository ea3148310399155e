// `parameters:` entries to Parameter objects: names, types, defaults in their string form,
// choices. Checks the shape; whether defaults convert is checked in check.ts.
import { isMap, isSeq } from "yaml";
import { PARAMETER_TYPES } from "./parameters";
import type { Parameter } from "./types";
import { describeNode, pairsOf, readText, readTextList, spanOf, toPlain, type Reader, type YamlNode } from "./yaml-doc";

const KNOWN = new Set(["name", "type", "default", "description", "choices", "friendly_name", "validating_regex", "artifact_type", "sources"]);

export function readParameters(r: Reader, node: YamlNode): Parameter[] {
  if (node == null) return [];
  if (!isSeq(node)) {
    r.report("ART1003", node, ["parameters", "a list", describeNode(node)]);
    return [];
  }
  const out: Parameter[] = [];
  const seen = new Set<string>();
  node.items.forEach((item, i) => {
    const p = readParameter(r, item as YamlNode, i);
    if (!p) return;
    if (seen.has(p.name)) r.report("ART1012", p.nameSpan ?? (item as YamlNode), [p.name]);
    seen.add(p.name);
    out.push(p);
  });
  return out;
}

function readParameter(r: Reader, node: YamlNode, i: number): Parameter | undefined {
  const path = `parameters[${i}]`;
  if (!isMap(node)) {
    r.report("ART1003", node, [path, "a mapping with `name`, `type` and `default`", describeNode(node)]);
    return undefined;
  }
  const p: Parameter = { name: "", type: "", default: "", hasDefault: false, description: "", extra: {} };
  let nameNode: YamlNode;
  for (const { key, value, keyNode } of pairsOf(node)) {
    switch (key) {
      case "name":
        p.name = readText(r, value, `${path}.name`) ?? "";
        nameNode = value ?? keyNode;
        break;
      case "type": {
        p.type = (readText(r, value, `${path}.type`) ?? "").trim().toLowerCase();
        if (!(p.type in PARAMETER_TYPES)) r.report("ART1013", value, [p.type]);
        break;
      }
      case "default":
        p.default = readText(r, value, `${path}.default`) ?? "";
        p.hasDefault = true;
        break;
      case "description":
        p.description = readText(r, value, `${path}.description`) ?? "";
        break;
      case "choices":
        p.choices = readTextList(r, value, `${path}.choices`);
        break;
      case "friendly_name":
        p.friendlyName = readText(r, value, `${path}.friendly_name`) ?? "";
        break;
      case "validating_regex":
        p.validatingRegex = readText(r, value, `${path}.validating_regex`) ?? "";
        break;
      case "artifact_type":
        p.artifactType = readText(r, value, `${path}.artifact_type`) ?? "";
        break;
      default:
        if (!KNOWN.has(key)) r.report("ART1004", keyNode, [`${path}.${key}`, ""]);
        p.extra[key] = toPlain(value);
    }
  }
  if (!p.name.trim()) {
    r.report("ART1011", nameNode ?? node);
    return undefined;
  }
  p.nameSpan = spanOf(nameNode, r.text);
  if (p.type === "choices" && !p.choices?.length) r.report("ART1014", node, [p.name]);
  return p;
}
