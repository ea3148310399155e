// One result table being filled by a running cell: rows become JSON text (keys in column
// order), are batched, stored with their ordinals, and announced to viewers. The first batch
// goes out at once (first row on screen); later ones by size or age. At most one batch is being
// written while the next fills, and add() waits when both are full: the query is slowed to the
// database's pace instead of buffering without bound (back-pressure).
import { queries, type NotebookTableRecord } from "@/drizzle";
import { OrderedDict, rowToJson } from "@/engine/vql";
import type { NotebookOptions, NotebooksDeps } from "./deps";
import { publish } from "./events";
import type { ResultTableView } from "@/engine/server/contracts/notebooks";
import { storableText } from "@/engine/protocol";

export class TableWriter {
  readonly record: NotebookTableRecord;
  private columns: string[] = [];
  private lastRenamed = false;
  private known = new Set<string>();
  private lastKeys: readonly string[] | undefined;
  private pending: string[] = [];
  private stored = 0;
  private accepted = 0;
  private inFlight: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = performance.now();
  private failure: unknown;
  truncated = false;

  constructor(
    private readonly deps: NotebooksDeps,
    private readonly opts: NotebookOptions & { maxRows: number },
    private readonly where: { notebookId: string; cellId: string; version: number },
    record: NotebookTableRecord,
  ) {
    this.record = record;
  }

  get rowCount(): number {
    return this.accepted;
  }

  view(complete = false): ResultTableView {
    return { id: this.record.id, idx: this.record.idx, columns: this.columns, rowCount: this.stored, truncated: this.truncated, complete };
  }

  /** Notes the row's columns; true when a key cannot be stored as is (a NUL) and the row needs storable keys. */
  private noteColumns(row: unknown): boolean {
    const keys = row instanceof OrderedDict ? row.keys() : row && typeof row === "object" ? Object.keys(row) : ["_value"];
    if (keys === this.lastKeys) return this.lastRenamed;
    this.lastKeys = keys;
    this.lastRenamed = keys.some((k) => storableText(k) !== k);
    for (const raw of keys) {
      const k = this.lastRenamed ? storableText(raw) : raw;
      if (!this.known.has(k)) {
        this.known.add(k);
        this.columns.push(k);
      }
    }
    return this.lastRenamed;
  }

  /** Accepts a row; resolves when the caller may produce the next one. */
  async add(row: unknown): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.accepted >= this.opts.maxRows) {
      this.truncated = true;
      return;
    }
    // PostgreSQL text (the columns) cannot hold a NUL: such keys become U+FFFD in the row too, so
    // the column still names the row's value.
    if (this.noteColumns(row)) row = storableKeys(row);
    const json = row instanceof OrderedDict || (row && typeof row === "object" && !Array.isArray(row)) ? rowToJson(row as OrderedDict) : rowToJson({ _value: row });
    this.pending.push(json);
    this.accepted++;
    const first = this.stored === 0 && !this.inFlight;
    const full = this.pending.length >= this.opts.batchRows;
    const old = performance.now() - this.lastFlush >= this.opts.batchMs;
    if (full || (old && !this.inFlight)) {
      while (this.inFlight) await this.inFlight;
      this.startFlush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.inFlight) this.startFlush();
      }, first ? this.opts.firstFlushMs : this.opts.batchMs);
    }
  }

  private startFlush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    this.lastFlush = performance.now();
    const from = this.stored;
    const run = async () => {
      await queries.appendResultRows(this.deps.database.db, { tableId: this.record.id, firstOrd: from, rowsJson: batch });
      this.stored = from + batch.length;
      await queries.updateResultTable(this.deps.database.db, this.record.id, { rowCount: this.stored, columns: this.columns, truncated: this.truncated });
      const inline = from < this.opts.inlineRows ? batch.slice(0, this.opts.inlineRows - from) : undefined;
      publish(this.deps, this.where.notebookId, { type: "rows", cellId: this.where.cellId, version: this.where.version, table: this.view(), from, rows: inline });
    };
    this.inFlight = run()
      .catch((err) => {
        this.failure = err;
      })
      .finally(() => {
        this.inFlight = undefined;
        // Rows that arrived while this batch was written go out on the next tick.
        if (this.pending.length && !this.timer) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            if (!this.inFlight) this.startFlush();
          }, 0);
        }
      });
  }

  /**
   * Stores what is left and marks the table complete, or (`complete: false`: the run was
   * cancelled, timed out, interrupted or failed before its SELECT ended) stores the rows it has
   * and leaves the table marked incomplete.
   */
  async finish(truncated: boolean, complete = true): Promise<ResultTableView> {
    if (truncated) this.truncated = true;
    while (this.inFlight || this.pending.length) {
      if (this.inFlight) await this.inFlight;
      else this.startFlush();
    }
    this.dispose();
    if (this.failure) throw this.failure;
    await queries.updateResultTable(this.deps.database.db, this.record.id, { rowCount: this.stored, columns: this.columns, truncated: this.truncated, complete });
    const view = this.view(complete);
    publish(this.deps, this.where.notebookId, { type: "rows", cellId: this.where.cellId, version: this.where.version, table: view, from: this.stored });
    return view;
  }

  /** Stops timers (the run ended abnormally); stored rows stay. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function storableKeys(row: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (row instanceof OrderedDict) for (const k of row.keys()) out[storableText(k)] = row.get(k);
  else for (const [k, v] of Object.entries(row as Record<string, unknown>)) out[storableText(k)] = v;
  return out;
}
