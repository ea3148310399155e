// The notebooks service's contract: what pages and route handlers receive, the events
// published on "notebook:<id>" topics, and the service interface. Types only.
import type { Principal } from "./common";

export type CellType = "vql" | "markdown";
/** edited: saved, never run; queued/running: in progress; the rest are how a run ended. */
export type RunStatus = "edited" | "queued" | "running" | "done" | "error" | "cancelled" | "timeout" | "interrupted";

export interface NotebookParameter {
  name: string;
  /** string | int | bool | timestamp | choices | json */
  type: string;
  description: string;
  default: string;
  /** Current value in this notebook (the default when absent). */
  value?: string;
  choices?: string[];
}

export interface NotebookSettings {
  /** Cell timeout in seconds (server default: 600). */
  timeoutSeconds?: number;
  /** Most rows stored per result table (server default: 1,000,000). */
  maxRows?: number;
}

export interface NotebookSummary {
  id: string;
  name: string;
  description: string;
  creator: string;
  collaborators: string[];
  isPublic: boolean;
  createdAt: string;
  modifiedAt: string;
  cellCount: number;
}

/** Output layout of a VQL cell: Markdown from `/* *\/` comments and result tables, in order. */
export type OutputBlock = { kind: "markdown"; text: string } | { kind: "table"; table: number };

export interface ResultTableView {
  id: number;
  /** 0-based SELECT index within the cell. */
  idx: number;
  columns: string[];
  rowCount: number;
  /** The row cap cut this table short. */
  truncated: boolean;
  complete: boolean;
}

export interface CellLog {
  level: string;
  message: string;
  time: number;
  code?: string;
  /** 1-based line:col of the span start, when the log has a span. */
  at?: string;
}

export interface CellView {
  id: string;
  type: CellType;
  input: string;
  /** Sequence number of the version shown. */
  version: number;
  /** Every stored version, oldest first (undo goes to the one before `version`). */
  versions: number[];
  status: RunStatus;
  runBy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  output: OutputBlock[];
  tables: ResultTableView[];
  logs: CellLog[];
  logCount: number;
  error: string | null;
  /** While queued for the user's run limit: "waiting: you have N running ..." (live only; not stored). */
  waiting?: string;
  modifiedAt: string;
}

export interface NotebookView extends NotebookSummary {
  env: { key: string; value: string }[];
  parameters: NotebookParameter[];
  settings: NotebookSettings;
  cells: CellView[];
  /** What the asking principal may do here. */
  access: { canEdit: boolean; canRun: boolean; isOwner: boolean };
  /** The asking principal's role limits: runs are clamped to them, settings above them are refused. */
  limits: { role: string; maxTimeoutSeconds: number; maxRows: number; maxConcurrent: number };
}

export interface TemplateSummary {
  id: string;
  name: string;
  description: string;
  parameters: NotebookParameter[];
}

export interface RowsRequest {
  offset: number;
  limit: number;
  sort?: { column: string; desc: boolean };
  filter?: { column?: string; text: string };
}

export interface RowsPage {
  columns: string[];
  total: number;
  offset: number;
  /** Row ordinals (position in the stored table) and each row as JSON object text. */
  rows: { ord: number; json: string }[];
  complete: boolean;
  truncated: boolean;
}

/** Messages published on topic "notebook:<id>" (the hub adds `topic`). */
export type NotebookEvent =
  | { type: "notebook"; notebook: NotebookSummary & { env: NotebookView["env"]; parameters: NotebookParameter[]; settings: NotebookSettings } }
  | { type: "cells"; order: string[]; by: string }
  | { type: "cell"; cell: CellView; by: string }
  | { type: "cell-deleted"; cellId: string; by: string }
  | { type: "notebook-deleted"; by: string }
  | {
      type: "cell-status";
      cellId: string;
      version: number;
      status: RunStatus;
      durationMs: number | null;
      error: string | null;
      /** While queued: why it waits ("waiting: you have 2 running (your role's limit is 2)"). */
      waiting?: string;
    }
  | {
      type: "rows";
      cellId: string;
      version: number;
      table: ResultTableView;
      /** Ordinal of the first row in `rows`. */
      from: number;
      /** JSON text of the first rows of the table, streamed as they are produced; omitted past the inline limit. */
      rows?: string[];
    }
  | { type: "logs"; cellId: string; version: number; logs: CellLog[]; logCount: number };

export interface CreateNotebookRequest {
  name: string;
  description?: string;
  collaborators?: string[];
  isPublic?: boolean;
  /** Template id (file name under notebooks/ without .md); blank when absent. */
  template?: string;
  parameters?: Record<string, string>;
}

export interface UpdateNotebookRequest {
  name?: string;
  description?: string;
  collaborators?: string[];
  isPublic?: boolean;
  env?: { key: string; value: string }[];
  parameters?: NotebookParameter[];
  settings?: NotebookSettings;
}

export interface ListNotebooksRequest {
  scope?: "all" | "mine" | "shared";
  /** Every notebook in the organisation, shared with the actor or not (SERVER_ADMIN only; VQL's notebooks(all=TRUE)). */
  all?: boolean;
  search?: string;
  sort?: "modified" | "name" | "created";
  limit?: number;
  offset?: number;
}

/** Where a promoted artifact came from (so it can link back to the cell). */
export interface ArtifactOrigin {
  notebookId: string;
  cellId: string;
  url: string;
}

/**
 * Notebooks: documents of VQL and Markdown cells, run on the server as the editing user.
 * Every method checks access: readers (READ_RESULTS) of notebooks they may see (creator,
 * collaborator or public) may read; NOTEBOOK_EDITOR holders among them may change and run.
 * Refusals are ServiceError("forbidden") with a message saying "no access" for unshared ones.
 */
export interface NotebooksService {
  list(actor: Principal, p: ListNotebooksRequest): Promise<{ notebooks: NotebookSummary[]; total: number }>;
  create(actor: Principal, p: CreateNotebookRequest): Promise<NotebookView>;
  get(actor: Principal, id: string): Promise<NotebookView>;
  /** True when the actor may open the notebook (no throw). */
  canRead(actor: Principal, id: string): Promise<boolean>;
  update(actor: Principal, id: string, p: UpdateNotebookRequest): Promise<NotebookView>;
  remove(actor: Principal, id: string): Promise<void>;
  copy(actor: Principal, id: string, name?: string): Promise<NotebookView>;

  addCell(actor: Principal, id: string, p: { type: CellType; input?: string; position?: number }): Promise<CellView>;
  moveCell(actor: Principal, id: string, cellId: string, position: number): Promise<string[]>;
  deleteCell(actor: Principal, id: string, cellId: string): Promise<void>;
  /** Stores the text (and type) as a new version without running it. */
  saveCell(actor: Principal, id: string, cellId: string, p: { input: string; type?: CellType }): Promise<CellView>;
  /** Stores a new version and queues it to run; resolves once queued. */
  runCell(actor: Principal, id: string, cellId: string, p: { input?: string; type?: CellType }): Promise<CellView>;
  cancelCell(actor: Principal, id: string, cellId: string): Promise<void>;
  /** Undo (-1) or redo (+1). A differing `draft` is first saved, so undo restores what was there before the edit. */
  revertCell(actor: Principal, id: string, cellId: string, step: -1 | 1, draft?: string): Promise<CellView>;

  rows(actor: Principal, id: string, cellId: string, tableId: number, p: RowsRequest): Promise<RowsPage>;
  /** The whole table as CSV or JSON text chunks; audited. */
  download(
    actor: Principal,
    id: string,
    cellId: string,
    tableId: number,
    format: "csv" | "json",
    view: Omit<RowsRequest, "offset" | "limit">,
  ): Promise<{ filename: string; contentType: string; body: AsyncIterable<string> }>;

  templates(): Promise<TemplateSummary[]>;
  exportText(actor: Principal, id: string): Promise<{ filename: string; text: string }>;
  exportHtml(actor: Principal, id: string): Promise<{ filename: string; html: string }>;
  importText(actor: Principal, text: string): Promise<NotebookView>;

  /** Saves a promoted cell as an artifact through the artifact repository. */
  saveArtifact(actor: Principal, yaml: string, origin: ArtifactOrigin): Promise<{ name: string }>;

  /** Waits for running cells to stop and stores open collaboration documents. */
  stop(): Promise<void>;
}
