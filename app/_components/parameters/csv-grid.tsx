"use client";
// A csv (or artifactset) parameter as an editable grid: the header is the first record of the
// value (or of the default), rows can be added, removed and edited cell by cell, and every
// change is written back as CSV text (engine/artifacts/csv.ts, the engine's own reader).
import { useState } from "react";
import { formatCsvRecords, parseCsvRecords } from "@/engine/artifacts/csv";

function toGrid(text: string, fallbackHeader: string[]): { header: string[]; rows: string[][] } {
  const [header, ...rows] = parseCsvRecords(text);
  const h = header?.length ? header : fallbackHeader.length ? fallbackHeader : ["Value"];
  return { header: h, rows: rows.map((r) => h.map((_, i) => r[i] ?? "")) };
}

export function CsvGrid({ value, defaultText, onChange, testId, label }: { value: string; defaultText: string; onChange(v: string): void; testId: string; label: string }) {
  const fallback = () => parseCsvRecords(defaultText)[0] ?? [];
  // The grid of the text it was made from; a value changed from outside (a relaunch's values) remakes it.
  const [state, setState] = useState(() => ({ text: value, grid: toGrid(value, fallback()) }));
  let grid = state.grid;
  if (state.text !== value) {
    grid = toGrid(value, fallback());
    setState({ text: value, grid });
  }
  const write = (rows: string[][]) => {
    const text = formatCsvRecords([grid.header, ...rows]);
    setState({ text, grid: { header: grid.header, rows } });
    onChange(text);
  };
  const setCell = (r: number, c: number, v: string) => write(grid.rows.map((row, i) => (i === r ? row.map((x, j) => (j === c ? v : x)) : row)));
  return (
    <div className="csv-grid" data-testid={`${testId}-grid`}>
      <table>
        <thead>
          <tr>
            {grid.header.map((h, c) => (
              <th key={c} scope="col" data-testid={`${testId}-header-${c}`}>
                {h}
              </th>
            ))}
            <th aria-label="Row actions" />
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => (
                <td key={c}>
                  <input value={cell} aria-label={`${label} row ${r + 1} ${grid.header[c]}`} onChange={(e) => setCell(r, c, e.target.value)} data-testid={`${testId}-cell-${r}-${c}`} />
                </td>
              ))}
              <td>
                <button type="button" className="link" aria-label={`Remove row ${r + 1}`} onClick={() => write(grid.rows.filter((_, i) => i !== r))} data-testid={`${testId}-remove-${r}`}>
                  ✕
                </button>
              </td>
            </tr>
          ))}
          {grid.rows.length ? null : (
            <tr>
              <td colSpan={grid.header.length + 1} className="muted small">
                No rows: the artifact gets an empty table.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <button type="button" onClick={() => write([...grid.rows, grid.header.map(() => "")])} data-testid={`${testId}-add`}>
        Add row
      </button>
    </div>
  );
}
