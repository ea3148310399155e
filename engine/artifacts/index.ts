// The artifact format's public surface: load and check YAML, parameter types and coercion,
// diagnostics rendering. Pure TypeScript (no Node I/O): used by the server, the CLI and the
// browser's YAML editor.
export * from "./types";
export { loadArtifact, hasArtifactErrors, type LoadOptions } from "./load";
export { ARTIFACT_NAME, type CheckOptions } from "./check";
export { parseOnly, lintChecker, vqlBlocks, scopeOf, type VqlChecker, type VqlCheckContext, type LintCheckerOptions } from "./check-vql";
export { ARTIFACT_DIAGNOSTICS, artifactMessage, type ArtifactDiagnosticCode } from "./diagnostics";
export { PARAMETER_TYPES, coerceParameter, parameterKind, type Coerced, type ParameterKind } from "./parameters";
export { parseCsvRows } from "./csv";
export { mapOffset, mapSpan } from "./source-map";
export { formatDiagnostic, editorRange, type EditorRange } from "./report";
export { withName, customName } from "./rename";
export { newArtifactTemplate } from "./template";
export { calledArtifacts } from "./called";
export { compileArtifact, preludeOf, resolveParameters, type CompiledArtifact, type CompiledSource, type ResolvedParameters } from "./compile";
export { artifactCallPlugin, artifactOfPlugin, type ArtifactLookup, type CallOptions, type Impersonator } from "./call-plugin";
export { isSerial, serialLets } from "./serial";
export { summaryOf } from "./summary";
export { artifactTools, toolsOfAll, type ArtifactTool } from "./tools";
