// Rewriting an artifact's name inside its YAML text without touching anything else (comments,
// layout, quoting of other fields): "edit a built-in" makes its Custom. copy this way, and
// rename uses it too.
import { isMap, isScalar, parseDocument } from "yaml";

export function withName(text: string, name: string): string {
  const doc = parseDocument(text);
  const root = doc.contents;
  if (isMap(root)) {
    const pair = root.items.find((p) => isScalar(p.key) && p.key.value === "name");
    const value = pair?.value;
    if (isScalar(value) && value.range) {
      const [start, end] = value.range;
      return text.slice(0, start) + name + text.slice(end);
    }
  }
  return `name: ${name}\n${text}`;
}

/** `Custom.` + name unless it already has the prefix. */
export function customName(name: string, prefix = "Custom."): string {
  return name.startsWith(prefix) ? name : prefix + name;
}
