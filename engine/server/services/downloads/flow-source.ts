// One source of a flow as a CSV or JSON file, in the view the table shows (sorted and filtered
// in the database), streamed page by page. The first page is read before this resolves, so a
// missing source or a bad column is an error response, not a broken download. Audited
// (DownloadFlowResults) once the stream ends or is cancelled, with the rows actually sent.
import { requirePermission, type FlowResultsView, type Principal, type TextDownload } from "@/engine/server/contracts";
import { csvField } from "@/engine/server/export/csv";
import { PAGE, type DownloadsDeps } from "./deps";
import { fileNamePart, type Row } from "./entries";

export async function flowSourceFile(
  deps: DownloadsDeps,
  actor: Principal,
  p: { clientId: string; flowId: string; artifact: string; format: "csv" | "json"; signal?: AbortSignal } & FlowResultsView,
): Promise<TextDownload> {
  requirePermission(actor, "READ_RESULTS");
  const flow = await deps.flows.get(actor, p.clientId, p.flowId);
  const view: FlowResultsView = { ...(p.sort ? { sort: p.sort } : {}), ...(p.filter ? { filter: p.filter } : {}) };
  const pages = deps.flows.resultPages(actor, { clientId: flow.clientId, flowId: flow.flowId, artifact: p.artifact, batch: PAGE, ...view })[Symbol.asyncIterator]();
  const first = await pages.next();
  const source = flow.sources.find((s) => s.artifact === p.artifact) ?? flow.sources.find((s) => s.artifact.startsWith(`${p.artifact}/`));
  const columns = source?.columns ?? [];
  const format = p.format;
  let rows = 0;

  async function* body(): AsyncGenerator<string> {
    let complete = false;
    try {
      if (format === "csv") yield columns.map((c) => csvField(c)).join(",") + "\r\n";
      else yield "[";
      let next = first;
      while (!next.done) {
        p.signal?.throwIfAborted();
        const page: Row[] = next.value;
        let chunk = "";
        for (const r of page) chunk += format === "csv" ? columns.map((c) => csvField(r[c])).join(",") + "\r\n" : (rows === 0 && chunk === "" ? "\n" : ",\n") + JSON.stringify(r);
        rows += page.length;
        yield chunk;
        next = await pages.next();
      }
      if (format === "json") yield rows ? "\n]\n" : "]\n";
      complete = true;
    } finally {
      if (!complete) await pages.return?.();
      await deps.audit.record(actor, "DownloadFlowResults", { client_id: flow.clientId, flow_id: flow.flowId, artifact: source?.artifact ?? p.artifact, format, rows, complete, ...view });
    }
  }

  return {
    filename: `${fileNamePart(flow.clientId)}-${fileNamePart(flow.flowId)}-${fileNamePart(source?.artifact ?? p.artifact)}.${format}`,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    body: body(),
  };
}
