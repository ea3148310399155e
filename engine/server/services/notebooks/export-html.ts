// A notebook as one self-contained HTML file: inline styles, no scripts, no external requests.
// Markdown is rendered with raw HTML off; every result value is escaped. Each table carries
// up to HTML_ROWS rows and says how many more the notebook holds.
import { queries } from "@/drizzle";
import { renderMarkdown } from "@/engine/notebooks/markdown";
import type { NotebooksDeps } from "./deps";
import type { CellView, NotebookView } from "@/engine/server/contracts/notebooks";

export const HTML_ROWS = 1000;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;max-width:1200px;margin:2rem auto;padding:0 1rem}
h1.nb{font-size:1.5rem} .desc{color:#5b6470} section.cell{margin:1.5rem 0;border-top:1px solid #dde1e6;padding-top:1rem}
pre.vql{background:#f6f7f9;border:1px solid #dde1e6;border-radius:6px;padding:.6rem;overflow:auto;font-size:.85rem}
table{border-collapse:collapse;font-size:.82rem;margin:.5rem 0;display:block;overflow:auto;max-height:600px}
th,td{border:1px solid #dde1e6;padding:.25rem .45rem;text-align:left;vertical-align:top;white-space:pre-wrap;max-width:480px}
th{background:#fafbfc;position:sticky;top:0} .note{color:#5b6470;font-size:.82rem} .log{font-family:monospace;font-size:.8rem}
.status{font-size:.8rem;color:#5b6470} .error{color:#b3261e}
.contains-task-list{list-style:none;padding-left:1.2rem} .task-list-item-checkbox{margin:0 .35rem 0 -1.2rem}
kbd{font:.8rem monospace;padding:.05rem .35rem;border:1px solid #dde1e6;border-radius:4px}`;

async function tableHtml(deps: NotebooksDeps, cell: CellView, idx: number): Promise<string> {
  const t = cell.tables.find((x) => x.idx === idx);
  if (!t) return `<p class="note">(no rows: this query did not run)</p>`;
  const page = await queries.pageResultRows(deps.database.db, { tableId: t.id, offset: 0, limit: HTML_ROWS });
  const head = `<tr>${t.columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>`;
  const body = page.rows
    .map((r) => {
      const o = JSON.parse(r.data) as Record<string, unknown>;
      return `<tr>${t.columns.map((c) => `<td>${esc(cellText(o[c]))}</td>`).join("")}</tr>`;
    })
    .join("\n");
  const more = t.rowCount > page.rows.length ? `<p class="note">Showing ${page.rows.length.toLocaleString("en-US")} of ${t.rowCount.toLocaleString("en-US")} rows.</p>` : "";
  const cut = t.truncated ? `<p class="note">This result was cut at the row cap.</p>` : "";
  return `<table>\n${head}\n${body}\n</table>${more}${cut}`;
}

async function cellHtml(deps: NotebooksDeps, cell: CellView): Promise<string> {
  if (cell.type === "markdown") return `<section class="cell" id="${esc(cell.id)}">${renderMarkdown(cell.input)}</section>`;
  const parts = [`<pre class="vql">${esc(cell.input)}</pre>`];
  const when = cell.finishedAt ? ` · ${esc(cell.finishedAt)}` : "";
  parts.push(`<p class="status">${esc(cell.status)}${cell.durationMs !== null ? ` in ${(cell.durationMs / 1000).toFixed(1)}s` : ""}${when}</p>`);
  if (cell.error) parts.push(`<p class="error">${esc(cell.error)}</p>`);
  for (const block of cell.output) {
    parts.push(block.kind === "markdown" ? renderMarkdown(block.text) : await tableHtml(deps, cell, block.table));
  }
  if (cell.logs.length) parts.push(`<div class="log">${cell.logs.map((l) => `<div>${esc(l.level)}: ${esc(l.message)}</div>`).join("")}</div>`);
  return `<section class="cell" id="${esc(cell.id)}">${parts.join("\n")}</section>`;
}

export async function notebookHtml(deps: NotebooksDeps, v: NotebookView): Promise<string> {
  const cells: string[] = [];
  for (const c of v.cells) cells.push(await cellHtml(deps, c));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(v.name)}</title><style>${STYLE}</style></head>
<body>
<h1 class="nb">${esc(v.name)}</h1>
${v.description ? `<p class="desc">${esc(v.description)}</p>` : ""}
<p class="note">Exported from Talon notebook ${esc(v.id)} on ${esc(deps.clock.now().toISOString())}; created by ${esc(v.creator)}.</p>
${cells.join("\n")}
</body></html>
`;
}
