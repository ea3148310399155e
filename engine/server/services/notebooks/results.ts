// Reading stored result tables: pages with server-side sort and filter (for the results table),
// and whole-table downloads as CSV (spreadsheet formulas neutralised) or JSON, streamed in
// batches. Every read checks that the table belongs to the cell and the cell to a notebook the
// actor may read.
import { queries } from "@/drizzle";
import { ServiceError, type Principal } from "@/engine/server/contracts";
import { loadForRead, orNotFound } from "./access";
import type { NotebooksDeps } from "./deps";
import type { RowsPage, RowsRequest } from "@/engine/server/contracts/notebooks";
import { fileSafe } from "./notebooks";
import { csvField } from "@/engine/server/export/csv";

const MAX_PAGE = 5000;

export function startResultOps(deps: NotebooksDeps) {
  const db = deps.database.db;

  async function tableOf(actor: Principal, id: string, cellId: string, tableId: number) {
    const nb = await loadForRead(deps, actor, id);
    if (!Number.isSafeInteger(tableId)) throw new ServiceError("not_found", `no result table ${tableId}`);
    const table = await orNotFound(queries.getResultTable(db, tableId));
    const version = await orNotFound(queries.getVersionById(db, table.versionId));
    const cell = await orNotFound(queries.getCell(db, version.cellId));
    if (cell.id !== cellId || cell.notebookId !== id) throw new ServiceError("not_found", `no result table ${tableId} in cell ${cellId}`);
    return { nb, table };
  }

  function checkView(columns: string[], req: Omit<RowsRequest, "offset" | "limit">) {
    if (req.sort && !columns.includes(req.sort.column)) throw new ServiceError("bad_request", `no column \`${req.sort.column}\` to sort by`);
    if (req.filter?.column && !columns.includes(req.filter.column)) throw new ServiceError("bad_request", `no column \`${req.filter.column}\` to filter`);
  }

  return {
    async rows(actor: Principal, id: string, cellId: string, tableId: number, req: RowsRequest): Promise<RowsPage> {
      const { table } = await tableOf(actor, id, cellId, tableId);
      checkView(table.columns, req);
      const offset = Math.max(0, Math.trunc(Number(req.offset) || 0));
      const limit = Math.min(MAX_PAGE, Math.max(1, Math.trunc(Number(req.limit) || 100)));
      const page = await queries.pageResultRows(db, { tableId, offset, limit, sort: req.sort, filter: req.filter });
      return {
        columns: table.columns,
        total: page.total,
        offset,
        rows: page.rows.map((r) => ({ ord: r.ord, json: r.data })),
        complete: table.complete,
        truncated: table.truncated,
      };
    },

    async download(actor: Principal, id: string, cellId: string, tableId: number, format: "csv" | "json", view: Omit<RowsRequest, "offset" | "limit">) {
      const { nb, table } = await tableOf(actor, id, cellId, tableId);
      checkView(table.columns, view);
      const columns = table.columns;
      // Audited once the stream ends or is cancelled, with the rows actually sent (not the table's size).
      async function* body(): AsyncGenerator<string> {
        let rows = 0;
        let complete = false;
        try {
          if (format === "csv") yield columns.map((c) => csvField(c)).join(",") + "\r\n";
          else yield "[";
          for await (const batch of queries.iterateResultRows(db, { tableId, batch: 5000, sort: view.sort, filter: view.filter })) {
            let chunk = "";
            for (const r of batch) {
              if (format === "csv") {
                const o = JSON.parse(r.data) as Record<string, unknown>;
                chunk += columns.map((c) => csvField(o[c])).join(",") + "\r\n";
              } else {
                chunk += (rows === 0 && chunk === "" ? "\n" : ",\n") + r.data;
              }
            }
            rows += batch.length;
            yield chunk;
          }
          if (format === "json") yield rows ? "\n]\n" : "]\n";
          complete = true;
        } finally {
          await deps.audit.record(actor, "DownloadTable", { notebook: id, cell: cellId, table: tableId, format, rows, complete, ...(view.sort ? { sort: view.sort } : {}), ...(view.filter ? { filter: view.filter } : {}) });
        }
      }
      return {
        filename: `${fileSafe(nb.name)}-${cellId}-${table.idx + 1}.${format}`,
        contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
        body: body(),
      };
    },
  };
}
