// What the parameter form knows of one declared parameter (as the artifact lists send it), and
// which field a declared type gets. Velociraptor's type names, aliases included.
export interface ParameterSpec {
  name: string;
  type?: string;
  description?: string;
  default?: string;
  choices?: unknown;
  friendlyName?: string;
  validatingRegex?: string;
}

export type FieldKind = "text" | "bool" | "int" | "float" | "choices" | "multichoice" | "csv" | "json" | "json_array" | "timestamp" | "regex" | "regex_array" | "upload" | "hidden";

const KINDS: Record<string, FieldKind> = {
  bool: "bool",
  int: "int",
  int64: "int",
  integer: "int",
  uint64: "int",
  float: "float",
  choices: "choices",
  multichoice: "multichoice",
  csv: "csv",
  artifactset: "csv",
  json: "json",
  json_array: "json_array",
  timestamp: "timestamp",
  regex: "regex",
  regex_array: "regex_array",
  upload: "upload",
  upload_file: "upload",
  hidden: "hidden",
};

export function fieldKind(p: ParameterSpec): FieldKind {
  const k = KINDS[(p.type ?? "").trim().toLowerCase()] ?? "text";
  // A choices list on another type (Velociraptor allows it on strings) still picks from the list.
  if (k === "text" && choicesOf(p).length) return "choices";
  return k;
}

export const choicesOf = (p: ParameterSpec): string[] => (Array.isArray(p.choices) ? p.choices.map(String) : []);

/** A checked box: the values the artifact engine reads as true (Y, YES, TRUE, OK; any case). */
export function isOn(v: string | undefined): boolean {
  return /^(y|yes|true|ok)$/i.test(v ?? "");
}
