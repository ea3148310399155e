// The artifact repository's contract. Every saved, renamed or deleted custom artifact is also
// an event on the journal queue Server.Internal.ArtifactModification (ArtifactChangeEvent),
// appended in the same transaction as the change: every process's cache and the event tables
// follow it from there.
import type { Impersonator } from "@/engine/artifacts";
import type { Artifact, ArtifactType, Diagnostic as ArtifactDiagnostic, LoadResult as ArtifactLoadResult } from "../../artifacts";
import type { PluginLike } from "../../vql";
import type { Principal } from "./common";

export type { Artifact, ArtifactType, ArtifactDiagnostic, ArtifactLoadResult };

export const ARTIFACT_MODIFICATION_QUEUE = "Server.Internal.ArtifactModification";

export interface ArtifactSummary {
  name: string;
  type: ArtifactType;
  /** The description's first paragraph. */
  summary: string;
  builtIn: boolean;
  /** For a built-in: the custom artifact that replaces it when collected (`Custom.<name>`). */
  overriddenBy?: string;
  updatedBy?: string;
  updatedAt?: Date;
}

export interface ArtifactDetails extends ArtifactSummary {
  artifact: Artifact;
  yaml: string;
  /** For `Custom.X`: the built-in `X` it replaces when collected. */
  overrides?: string;
  version?: number;
  createdBy?: string;
  createdAt?: Date;
  /** Warnings found when the artifact was loaded (errors never get this far). */
  warnings: ArtifactDiagnostic[];
}

export interface ArtifactChange {
  id: number;
  name: string;
  operation: "set" | "delete" | "rename" | string;
  version: number;
  principal: string;
  at: Date;
  details: Record<string, unknown>;
  /** The YAML after the change (null for a delete). */
  yaml: string | null;
}

/** A row of Server.Internal.ArtifactModification. */
export interface ArtifactChangeEvent {
  artifact: string;
  op: "set" | "delete" | "rename";
  principal: string;
  /** For a rename: the old name. */
  from?: string;
}

export interface ValidateOptions {
  prefix?: string;
  allowBuiltinNames?: boolean;
  extra?: ReadonlyArray<{ name: string; export?: string }>;
}

export interface ArtifactImportResult {
  files: Array<{ file: string; name?: string; renamedFrom?: string; ok: boolean; errors: string[] }>;
}

/**
 * The artifact repository: built-ins loaded from artifacts/definitions at boot, custom artifacts
 * in the database with their history. Methods taking an actor check permissions: reading needs
 * READ_RESULTS; writing needs ARTIFACT_WRITER, or SERVER_ARTIFACT_WRITER for server, notebook
 * and internal types. get()/all() are for other services and check nothing; they answer from
 * this process's cache, which follows changes made by any process within about a second.
 */
export interface ArtifactsService {
  /** The definition to run for `name`: `Custom.<name>` when it exists (unless exact), else `name`. */
  get(name: string, opts?: { exact?: boolean }): Artifact | undefined;
  /** Every loaded artifact, custom ones replacing nothing (both are listed). */
  all(): Artifact[];
  list(actor: Principal, q?: { search?: string; type?: string; limit?: number }): Promise<ArtifactSummary[]>;
  show(actor: Principal, name: string): Promise<ArtifactDetails>;
  history(actor: Principal, name: string, limit?: number): Promise<ArtifactChange[]>;
  /**
   * Loads and checks YAML the way set() would (no permission needed, nothing saved). verify()
   * passes `allowBuiltinNames` (a built-in's own name is accepted, as Velociraptor's verifier
   * does unless told otherwise) and `extra`, artifacts of a query-local repository that imports
   * and `Artifact.X()` calls may name besides the repository's.
   */
  validate(yaml: string, opts?: ValidateOptions): ArtifactLoadResult;
  /** The YAML to start editing `name` from: a built-in's copy renamed `Custom.<name>`. */
  editableYaml(actor: Principal, name: string): Promise<string>;
  /**
   * Creates or replaces a custom artifact. Any valid name but a built-in's (refused with ART2005,
   * which offers `Custom.<name>`), as Velociraptor's GUI and artifact_set() accept; a non-empty
   * `prefix` is required of the name.
   */
  set(actor: Principal, yaml: string, opts?: { prefix?: string }): Promise<ArtifactDetails>;
  delete(actor: Principal, name: string): Promise<void>;
  rename(actor: Principal, from: string, to: string): Promise<ArtifactDetails>;
  /** A YAML file or a zip of them; names without the prefix (default `Custom.`) get it prepended. */
  importPack(actor: Principal, file: { filename: string; data: Uint8Array }, opts?: { prefix?: string }): Promise<ArtifactImportResult>;
  exportOne(actor: Principal, name: string): Promise<{ filename: string; yaml: string }>;
  /** Every custom artifact in a zip, at `<Dotted>/<Path>.yaml`. */
  exportAll(actor: Principal): Promise<{ filename: string; data: Uint8Array }>;
  /** The plugin behind `Artifact.<dottedName>(...)` for the VQL runner, or undefined. */
  /** `impersonate`: how an artifact with `impersonate:` runs as its user (absent: it is refused). */
  pluginFor(dottedName: string, principal: Principal, impersonate?: Impersonator): PluginLike | undefined;
}
