// What the notebooks service is built from: the shared service deps, the audit log, the browser
// hub, the VQL runner, the per-user run slots and role limits, the artifact repository's save, this process among the others (runs
// carry their owner process; cancels travel over the bus), and the tunables with defaults.
import type { ArtifactOrigin, NotebooksService } from "@/engine/server/contracts/notebooks";
import type { AuditService, Bus, ClusterNode, Journal, Leases, LimitsService, Principal, Reauthenticate, ServiceDeps, UiHub, VqlNotebooks } from "@/engine/server/contracts";

/** The events a VQL run yields (engine/vql's VqlEvent, structurally). */
export type RunEvent =
  | { kind: "select-start"; statement: number; span?: { start: number; end: number }; comment?: string }
  | { kind: "row"; statement: number; row: unknown }
  | { kind: "select-end"; statement: number; rows: number; truncated: boolean }
  | { kind: "log"; level: string; message: string; code?: string; span?: { start: number; end: number }; time: number };

export interface RunOptions {
  principal: Principal;
  env?: Record<string, unknown>;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRows?: number;
  /** This notebooks service, for the notebook_*() builtins of the cell's VQL. */
  notebooks?: VqlNotebooks;
  /** The cell being run: alerts its VQL raises point back to it. */
  origin?: { notebookId: string; cellId: string };
}

/** Runs VQL as a principal with every builtin the server has (engine.queries.run). */
export type CellQueryRunner = (source: string, opts: RunOptions) => AsyncIterable<RunEvent>;

export interface NotebookOptions {
  /** Cell timeout (Velociraptor's notebook_cell_timeout_min: 10 minutes). */
  cellTimeoutMs: number;
  /** Rows stored per result table before the table is marked truncated. */
  maxRows: number;
  /** Versions kept per cell (undo depth). */
  keepVersions: number;
  /** Rows of each table pushed to viewers inline; past that, viewers page from the server. */
  inlineRows: number;
  /** First batch of a table is flushed this soon (first row on screen). */
  firstFlushMs: number;
  /** Later batches: at most this many rows or this many ms. */
  batchRows: number;
  batchMs: number;
}

export const DEFAULT_NOTEBOOK_OPTIONS: NotebookOptions = {
  cellTimeoutMs: 10 * 60_000,
  maxRows: 1_000_000,
  keepVersions: 20,
  inlineRows: 500,
  firstFlushMs: 15,
  batchRows: 10_000,
  batchMs: 200,
};

export interface NotebooksDeps extends ServiceDeps {
  audit: AuditService;
  ui: Pick<UiHub, "publish" | "authorize">;
  node: Pick<ClusterNode, "nodeId" | "liveNodeIds" | "isLive" | "refresh">;
  bus: Bus;
  leases: Leases;
  /** Where sharing changes are recorded (Server.Internal.AccessChange). */
  journal: Pick<Journal, "append">;
  /** A collab socket's principal now (after a user's access change); without it, principals are kept. */
  reauthenticate?: Reauthenticate;
  /** Aborted when the engine closes. */
  signal: AbortSignal;
  /** Per-user run slots and the role limits a run is clamped to (the limits service). */
  limits: Pick<LimitsService, "acquire" | "forPrincipal">;
  /** The VQL runner (engine.queries.run). */
  runQuery: CellQueryRunner;
  /** The artifact repository's save. */
  saveArtifact: (actor: Principal, yaml: string, origin: ArtifactOrigin) => Promise<{ name: string }>;
  /** Set by startNotebooks: the service itself, handed to the cells' VQL. */
  self?: { service?: NotebooksService };
  /** Folder of the plain-text templates (notebooks/). */
  templatesDir: string;
  options?: Partial<NotebookOptions>;
}
