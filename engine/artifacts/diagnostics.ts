// The catalogue of artifact diagnostics: ART1xxx for the YAML and its shape, ART2xxx for names
// and references, ART3xxx for parameter values. VQL problems inside queries keep their VQL codes.
// Owns codes, severities and templates only. Messages follow STYLE.md §7.
import type { Diagnostic, Span } from "./types";

export const ARTIFACT_DIAGNOSTICS = {
  // ---- YAML and shape ----------------------------------------------------------------------
  ART1001: { severity: "error", template: "invalid YAML: {0}", doc: "The text is not well-formed YAML." },
  ART1002: { severity: "error", template: "an artifact is a YAML mapping of fields, found {0}", doc: "The document's top level must be `name: ...`, `sources: ...` and so on." },
  ART1003: { severity: "error", template: "`{0}` must be {1}, found {2}", doc: "A field has the wrong kind of value." },
  ART1004: { severity: "warning", template: "unknown field `{0}` is kept but not used{1}", doc: "Fields Talon does not know are kept as written (a typo is the usual cause)." },
  ART1005: { severity: "error", template: "the artifact needs a `name`", doc: "Every artifact has a dotted name." },
  ART1006: { severity: "error", template: "`{0}` is not a valid artifact name: use words of letters, digits and `_`, joined by dots, such as `Custom.Linux.Sys.Pslist`", doc: "Names are one or more words of letters, digits and `_`, joined by dots (`AutomateServerLabels`, `Custom.Server.Labels`)." },
  ART1007: { severity: "error", template: "unknown artifact type `{0}`; expected one of {1}", doc: "The type decides where an artifact runs." },
  ART1008: { severity: "error", template: "a custom artifact's name must start with `{0}`, found `{1}`", doc: "Only where a prefix is required: pack imports (which add it) and `artifact_set(prefix=...)`." },
  ART1009: { severity: "error", template: "two sources are named `{0}`", doc: "Each source's results are stored under its name, so names must differ." },
  ART1010: { severity: "error", template: "a source needs a `query`", doc: "Only NOTEBOOK artifacts may have sources made of notebook cells alone." },
  ART1011: { severity: "error", template: "a parameter needs a `name`", doc: "Parameters become scope variables named after them." },
  ART1012: { severity: "error", template: "two parameters are named `{0}`", doc: "Parameter names must differ." },
  ART1013: { severity: "warning", template: "unknown parameter type `{0}` is treated as a string", doc: "See docs/artifacts.md for the parameter types." },
  ART1014: { severity: "error", template: "parameter `{0}` of type `choices` needs a `choices` list", doc: "A choices parameter offers a fixed list." },
  ART1015: { severity: "error", template: "`{0}` must be a non-negative number, found {1}", doc: "Resource limits are numbers." },
  ART1016: { severity: "error", template: "a source name cannot contain `/`, found `{0}`", doc: "Results are named `Artifact/Source`, so a `/` would be ambiguous." },
  ART1017: { severity: "warning", template: "a notebook cell of type `{0}` is not one of md, markdown, vql, vql_suggestion, none", doc: "Notebook cell types decide how a template is rendered." },
  // ---- names and references ----------------------------------------------------------------
  ART2001: { severity: "warning", template: "`{0}` is not a known permission", doc: "Permission names are Velociraptor's (COLLECT_CLIENT, EXECVE, ...)." },
  ART2002: { severity: "warning", template: "imports `{0}`, which is not a known artifact", doc: "`imports` names artifacts whose `export` is made available." },
  ART2003: { severity: "warning", template: "calls `Artifact.{0}`, which is not a known artifact", doc: "The artifact called from VQL does not exist (yet)." },
  ART2004: { severity: "warning", template: "the artifact's name `{0}` does not match its path `{1}`", doc: "Built-in definitions live at artifacts/definitions/<Dotted>/<Path>.yaml." },
  ART2005: { severity: "error", template: "`{0}` is a built-in artifact; save your version as `{1}`", doc: "A built-in cannot be replaced under its own name; its `Custom.` copy overrides it where it is collected." },
  // ---- parameter values ----------------------------------------------------------------------
  ART3001: { severity: "warning", template: "the default of `{0}` is not a valid {1}: {2}", doc: "The default must convert to the parameter's type." },
  ART3002: { severity: "warning", template: "the default of `{0}` is not one of its choices", doc: "A choices default should be offered in the list." },
  ART3003: { severity: "error", template: "unknown parameter `{0}` given to artifact `{1}`{2}", doc: "Only declared parameters can be given." },
  ART3004: { severity: "error", template: "parameter `{0}` of `{1}` expects {2}: {3}", doc: "A value that does not convert to the parameter's type." },
} as const;

export type ArtifactDiagnosticCode = keyof typeof ARTIFACT_DIAGNOSTICS;

export function artifactMessage(code: ArtifactDiagnosticCode, args: readonly string[] = []): string {
  return ARTIFACT_DIAGNOSTICS[code].template.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? "");
}

export function artifactDiagnostic(code: ArtifactDiagnosticCode, span: Span, args: readonly string[] = [], hint?: string): Diagnostic {
  const d: Diagnostic = { code, severity: ARTIFACT_DIAGNOSTICS[code].severity, message: artifactMessage(code, args), span };
  if (hint !== undefined) d.hint = hint;
  return d;
}
