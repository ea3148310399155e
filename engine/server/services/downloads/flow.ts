// One flow as a zip: results per source as JSON lines and CSV, the log, the uploaded files, and
// a manifest written last (it holds the counts of what was actually written).
import { requirePermission, type Principal, type ZipDownload } from "@/engine/server/contracts";
import { createZipStream, safeEntryName, type ZipStream } from "@/engine/server/export/zip-stream";
import { PAGE, type DownloadsDeps } from "./deps";
import { csvLines, fileNamePart, jsonLines, uniqueNames, type Row } from "./entries";

const LOG_COLUMNS = ["time", "level", "message", "artifact"];

/** A flow's rows of one source, page by page. */
export async function* flowRows(deps: DownloadsDeps, actor: Principal, f: { clientId: string; flowId: string; artifact: string }, signal: AbortSignal): AsyncIterable<Row[]> {
  for (let offset = 0; ; offset += PAGE) {
    signal.throwIfAborted();
    const r = await deps.flows.results(actor, { ...f, offset, limit: PAGE });
    if (r.rows.length) yield r.rows;
    if (r.rows.length < PAGE) return;
  }
}

async function* flowLogs(deps: DownloadsDeps, actor: Principal, f: { clientId: string; flowId: string }, signal: AbortSignal): AsyncIterable<Row[]> {
  for (let offset = 0; ; offset += PAGE) {
    signal.throwIfAborted();
    const r = await deps.flows.logs(actor, { ...f, offset, limit: PAGE });
    if (r.items.length) yield r.items.map((l) => ({ time: l.time instanceof Date ? l.time.toISOString() : l.time, level: l.level, message: l.message, artifact: l.artifact }));
    if (r.items.length < PAGE) return;
  }
}

export interface UploadEntry {
  path: string;
  name: string;
  size: number;
  sha256: string;
  artifact: string;
  bytesWritten: number;
}

/** Adds a flow's uploads under `prefix/uploads/`, named by the path the agent gave (made safe and unique). */
export async function addUploads(deps: DownloadsDeps, actor: Principal, zip: ZipStream, f: { clientId: string; flowId: string }, prefix: string, unique: (n: string) => string): Promise<UploadEntry[]> {
  const out: UploadEntry[] = [];
  for (const u of await deps.flows.uploads(actor, f)) {
    zip.signal.throwIfAborted();
    const path = unique(safeEntryName(prefix, "uploads", u.name));
    const file = await deps.flows.uploadFile(actor, { ...f, uploadId: u.uploadId });
    const bytesWritten = await zip.add(path, file.body, { mtime: u.createdAt });
    out.push({ path, name: u.name, size: u.size, sha256: u.sha256, artifact: u.artifact, bytesWritten });
  }
  return out;
}

export async function flowZip(deps: DownloadsDeps, actor: Principal, p: { clientId: string; flowId: string; signal?: AbortSignal }): Promise<ZipDownload> {
  requirePermission(actor, "READ_RESULTS");
  const flow = await deps.flows.get(actor, p.clientId, p.flowId);
  const f = { clientId: flow.clientId, flowId: flow.flowId };
  const zip = createZipStream({ signal: p.signal });
  const startedAt = deps.clock.now();
  const unique = uniqueNames();
  const sources: Array<{ name: string; rows: number; json: string; csv: string }> = [];
  let rowsWritten = 0;
  let logs = 0;
  let uploads: UploadEntry[] = [];

  const run = async () => {
    for (const s of flow.sources) {
      let rows = 0;
      const json = unique(safeEntryName("results", `${s.artifact}.json`));
      const csv = unique(safeEntryName("results", `${s.artifact}.csv`));
      await zip.add(json, jsonLines(flowRows(deps, actor, { ...f, artifact: s.artifact }, zip.signal), (n) => ((rows += n), (rowsWritten += n))));
      await zip.add(csv, csvLines(s.columns, flowRows(deps, actor, { ...f, artifact: s.artifact }, zip.signal)));
      sources.push({ name: s.artifact, rows, json, csv });
    }
    await zip.add("logs.json", jsonLines(flowLogs(deps, actor, f, zip.signal), (n) => (logs += n)));
    await zip.add("logs.csv", csvLines(LOG_COLUMNS, flowLogs(deps, actor, f, zip.signal)));
    uploads = await addUploads(deps, actor, zip, f, "", unique);
    const manifest = {
      type: "flow",
      clientId: flow.clientId,
      flowId: flow.flowId,
      artifacts: flow.artifacts,
      parameters: flow.parameters,
      state: flow.state,
      creator: flow.creator,
      createdAt: flow.createdAt,
      finishedAt: flow.finishedAt,
      downloadedBy: actor.username,
      downloadedAt: startedAt,
      sources,
      logs: { rows: logs, json: "logs.json", csv: "logs.csv" },
      uploads,
    };
    await zip.add("manifest.json", JSON.stringify(manifest, null, 2) + "\n");
    zip.end();
  };

  void run()
    .catch((err) => {
      if (!zip.signal.aborted) deps.log.error("flow download failed", { client_id: f.clientId, flow_id: f.flowId, error: (err as Error)?.message ?? String(err) });
      zip.fail(err);
    })
    .then(() => zip.closed)
    .then((complete) => deps.audit.record(actor, "DownloadFlow", { client_id: f.clientId, flow_id: f.flowId, rows: rowsWritten, logs, uploads: uploads.length, complete }));

  return { filename: `${fileNamePart(flow.clientId)}-${fileNamePart(flow.flowId)}.zip`, body: zip.body };
}
