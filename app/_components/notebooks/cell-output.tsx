"use client";
// What a VQL cell shows under its editor: Markdown from its comments and one results table per
// SELECT, in order; the run's status line; and its log lines.
import { useMemo } from "react";
import type { CellView } from "@/engine";
import { renderMarkdown } from "@/engine/notebooks/markdown";
import { ResultsTable } from "../results-table/results-table";
import { inlineKey } from "./state";

export function Markdown({ text, testId }: { text: string; testId?: string }) {
  // renderMarkdown's output has passed the allowlist sanitiser (engine/notebooks/sanitize.ts);
  // memoised, since a running cell re-renders its output many times a second.
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div className="markdown" data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />;
}

export function statusText(c: CellView): string {
  const secs = c.durationMs !== null ? ` in ${(c.durationMs / 1000).toFixed(c.durationMs < 10_000 ? 2 : 1)}s` : "";
  switch (c.status) {
    case "queued":
      return c.waiting ? `Queued, ${c.waiting}…` : "Queued…";
    case "running":
      return "Running…";
    case "done":
      return c.type === "markdown" ? "" : `Done${secs}${c.runBy ? ` · run by ${c.runBy}` : ""}`;
    case "error":
      return `Failed${secs}`;
    case "cancelled":
      return `Cancelled${secs}`;
    case "timeout":
      return `Timed out${secs}`;
    case "interrupted":
      return "Interrupted: the server stopped while this cell was running";
    case "edited":
      return "Not run yet";
  }
}

export function CellOutput({ notebookId, cell, inline }: { notebookId: string; cell: CellView; inline: Record<string, string[]> }) {
  const busy = cell.status === "running" || cell.status === "queued";
  return (
    <div className="cell-output">
      {cell.error ? (
        <p className="notice error" role="alert" data-testid="cell-error">
          {cell.error}
        </p>
      ) : null}
      {cell.output.map((block, i) => {
        if (block.kind === "markdown") return <Markdown key={`m${i}`} text={block.text} />;
        const t = cell.tables.find((x) => x.idx === block.table);
        if (!t) return busy ? <p key={`t${i}`} className="muted">Waiting for rows…</p> : null;
        return (
          <ResultsTable
            key={`${cell.version}-${t.id}`}
            source={{ notebookId, cellId: cell.id, tableId: t.id }}
            columns={t.columns}
            rowCount={t.rowCount}
            complete={t.complete}
            running={busy}
            truncated={t.truncated}
            inline={inline[inlineKey(cell.id, cell.version, t.idx)]}
          />
        );
      })}
      {cell.logs.length ? (
        <details className="cell-logs" open={cell.logs.some((l) => l.level === "ERROR" || l.level === "WARN")}>
          <summary>
            Log ({cell.logCount} line{cell.logCount === 1 ? "" : "s"}
            {cell.logCount > cell.logs.length ? `, first ${cell.logs.length} shown` : ""})
          </summary>
          {cell.logs.map((l, i) => (
            <div key={i} className={`log log-${l.level.toLowerCase()}`}>
              <span className="log-level">{l.level}</span>
              {l.at ? <span className="log-at">{l.at}</span> : null}
              <span>{l.message}</span>
            </div>
          ))}
        </details>
      ) : null}
    </div>
  );
}
