// Notebooks and cells as VQL sees them, in Velociraptor's NotebookMetadata shape (snake_case,
// times in seconds since the epoch, cells under cell_metadata), plus Talon's `url`, cell status
// and result tables. Used by the notebook builtins (engine/server/plugins/notebooks.ts).
import { OrderedDict } from "../../vql";
import type { CellView, NotebookSummary, NotebookView } from "@/engine/server/contracts";

function seconds(iso: string | null): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

function isView(n: NotebookSummary | NotebookView): n is NotebookView {
  return Array.isArray((n as NotebookView).cells);
}

/** A notebooks() row, or (for a full view) notebook_get()'s value; `verbose` adds each cell's text and output. */
export function notebookToVql(n: NotebookSummary | NotebookView, verbose = false): OrderedDict {
  const out = new OrderedDict([
    ["notebook_id", n.id],
    ["name", n.name],
    ["description", n.description],
    ["creator", n.creator],
    ["collaborators", [...n.collaborators]],
    ["public", n.isPublic],
    ["created_time", seconds(n.createdAt)],
    ["modified_time", seconds(n.modifiedAt)],
    ["url", `/notebooks/${n.id}`],
  ]);
  if (!isView(n)) {
    out.set("cell_count", n.cellCount);
    return out;
  }
  out.set("env", n.env.map((e) => new OrderedDict([["key", e.key], ["value", e.value]])));
  out.set(
    "parameters",
    n.parameters.map((p) => new OrderedDict([["name", p.name], ["type", p.type], ["description", p.description], ["default", p.default], ["value", p.value ?? p.default]])),
  );
  out.set("cell_metadata", n.cells.map((c) => cellToVql(n.id, c, verbose)));
  return out;
}

/** One cell: its id, type, versions and run status; `verbose` adds its text, output layout, tables and logs. */
export function cellToVql(notebookId: string, c: CellView, verbose = false): OrderedDict {
  const out = new OrderedDict([
    ["cell_id", c.id],
    ["notebook_id", notebookId],
    ["type", c.type],
    ["current_version", c.version],
    ["available_versions", [...c.versions]],
    ["timestamp", seconds(c.modifiedAt)],
    ["status", c.status],
    ["url", `/notebooks/${notebookId}?cell=${c.id}`],
  ]);
  if (!verbose) return out;
  out.set("input", c.input);
  out.set("run_by", c.runBy);
  out.set("duration_ms", c.durationMs);
  out.set("error", c.error);
  out.set("output", c.output.map((b) => (b.kind === "markdown" ? new OrderedDict([["kind", "markdown"], ["text", b.text]]) : new OrderedDict([["kind", "table"], ["table", b.table]]))));
  out.set(
    "tables",
    c.tables.map((t) => new OrderedDict([["table_id", t.id], ["index", t.idx], ["columns", [...t.columns]], ["total_rows", t.rowCount], ["truncated", t.truncated], ["complete", t.complete]])),
  );
  out.set("logs", c.logs.map((l) => new OrderedDict([["level", l.level], ["message", l.message], ["time", l.time], ...(l.at ? ([["at", l.at]] as [string, unknown][]) : [])])));
  out.set("log_count", c.logCount);
  return out;
}
