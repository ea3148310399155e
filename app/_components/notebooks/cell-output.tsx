"use client";
// What a VQL cell shows under its editor: Markdown from its comments and one results table per
// SELECT, in order; the run's status line; and its log lines.
import { useMemo } from "react";
import type { CellView } from "@/engine";
import { renderMarkdown } from "@/engine/notebooks/markdown";
import { ResultsTable } from "../results-table/results-table";
import { useColumnTypes } from "../results-table/column-types";
import { inlineKey } from "./state";
import { messagePosition, positionedMessage } from "./status";

export { errorCount, statusText } from "./status";

export function Markdown({ text, testId }: { text: string; testId?: string }) {
  // renderMarkdown's output has passed the allowlist sanitiser (engine/notebooks/sanitize.ts);
  // memoised, since a running cell re-renders its output many times a second.
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div className="markdown" data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />;
}

export function CellOutput({ notebookId, cell, inline, onJump }: { notebookId: string; cell: CellView; inline: Record<string, string[]>; onJump?(line: number, col: number): void }) {
  const busy = cell.status === "running" || cell.status === "queued";
  const firstError = cell.error ? undefined : cell.logs.find((l) => l.level === "ERROR");
  const at = firstError ? messagePosition(firstError.message, firstError.at) : undefined;
  const columnTypes = useColumnTypes(cell.type === "vql" ? cell.input : "");
  return (
    <div className="cell-output">
      {cell.error ? (
        <p className="notice error" role="alert" data-testid="cell-error">
          {cell.error}
        </p>
      ) : null}
      {firstError ? (
        <p className="notice error" data-testid="cell-first-error">
          {at && onJump ? (
            <button type="button" className="link" onClick={() => onJump(at.line, at.col)} title="Show this position in the editor" data-testid="cell-first-error-jump">
              {positionedMessage(firstError)}
            </button>
          ) : (
            positionedMessage(firstError)
          )}
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
            columnTypes={columnTypes[t.idx]}
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
