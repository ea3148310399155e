// The artifact as plain data: what a YAML definition says, after loading and checking. Owns
// shapes only (no parsing, no I/O); the same objects travel to the browser as JSON.
// Offsets are UTF-16 offsets into the artifact's YAML text, `end` exclusive.
import type { Diagnostic, Span } from "../vql/ast/types";

export type { Diagnostic, Span };

export const ARTIFACT_TYPES = ["CLIENT", "CLIENT_EVENT", "SERVER", "SERVER_EVENT", "NOTEBOOK", "INTERNAL"] as const;
export type ArtifactType = (typeof ARTIFACT_TYPES)[number];

/** Event artifacts run continuously (event tables, queues) rather than once per collection. */
export function isEventType(type: ArtifactType): boolean {
  return type === "CLIENT_EVENT" || type === "SERVER_EVENT" || type === "INTERNAL";
}

/** Artifacts that run on the server (writing them needs SERVER_ARTIFACT_WRITER). */
export function isServerType(type: ArtifactType): boolean {
  return type === "SERVER" || type === "SERVER_EVENT" || type === "NOTEBOOK" || type === "INTERNAL";
}

/**
 * Where each character of a scalar's value sits in the YAML text: runs of `[valueOffset,
 * fileOffset]`, each run continuing until the next one. Plain data (JSON-safe).
 */
export type SourceMap = Array<[number, number]>;

/** VQL held in a YAML scalar: the decoded text and how to find it in the file. */
export interface VqlBlock {
  text: string;
  /** The scalar's span in the YAML text (the header `|` included for block scalars). */
  span: Span;
  map: SourceMap;
  /** Where it came from, for messages: `sources[1].query`, `precondition`, `export`. */
  path: string;
}

export interface Parameter {
  name: string;
  /** Declared type, lowercased; "" and "string" mean text. */
  type: string;
  /** The default in its string form, as Velociraptor keeps it ("" when absent). */
  default: string;
  /** True when the YAML gave a default (even an empty one). */
  hasDefault: boolean;
  description: string;
  friendlyName?: string;
  choices?: string[];
  validatingRegex?: string;
  /** artifactset pickers: only artifacts of this type. */
  artifactType?: string;
  /** Where the parameter's name is written in the YAML. */
  nameSpan?: Span;
  /** Any other keys of the parameter, kept as written. */
  extra: Record<string, unknown>;
}

export interface NotebookCell {
  type: string;
  name?: string;
  template?: string;
  output?: string;
  env?: Array<{ key: string; value: string }>;
  extra: Record<string, unknown>;
}

export interface Source {
  /** "" for an unnamed source (its results are named after the artifact alone). */
  name: string;
  description: string;
  precondition?: VqlBlock;
  /** The source's VQL; legacy `queries:` lists are joined into one text (see `queries`). */
  query?: VqlBlock;
  /** Legacy `queries:` entries, each with its own position. */
  queries?: VqlBlock[];
  notebook: NotebookCell[];
  /** Where the source's entry (its name, else its first key) is written in the YAML. */
  span?: Span;
  extra: Record<string, unknown>;
}

export interface Resources {
  /** Seconds. */
  timeout?: number;
  opsPerSecond?: number;
  cpuLimit?: number;
  iopsLimit?: number;
  maxRows?: number;
  maxUploadBytes?: number;
  maxBatchWait?: number;
  maxBatchRows?: number;
  maxBatchRowsBuffer?: number;
}

export interface ColumnType {
  name: string;
  type: string;
  description?: string;
}

export interface Artifact {
  name: string;
  type: ArtifactType;
  description: string;
  author: string;
  aliases: string[];
  references: string[];
  parameters: Parameter[];
  sources: Source[];
  precondition?: VqlBlock;
  export?: VqlBlock;
  imports: string[];
  requiredPermissions: string[];
  impliedPermissions: string[];
  impersonate?: string;
  resources: Resources;
  columnTypes: ColumnType[];
  /** Fields Talon does not interpret (tools, reports, ...), kept as written. */
  extra: Record<string, unknown>;
  /** The YAML text this was loaded from; all spans point into it. */
  raw: string;
}

/** Result of loading a YAML text: the artifact when its shape was usable, and every problem. */
export interface LoadResult {
  artifact?: Artifact;
  diagnostics: Diagnostic[];
}
