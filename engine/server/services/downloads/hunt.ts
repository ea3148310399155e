// One hunt as a zip: per source, one JSON-lines and one CSV entry over every client's rows (each
// with ClientId, FlowId and Fqdn, read through the hunts service as hunt_results() reads them),
// each client's uploads under clients/<ClientId>/<FlowId>/, and a manifest written last. A first
// pass over the hunt's clients reads each flow's summary (not its rows) for the sources and the
// CSV header (the union of the clients' columns).
import { requirePermission, type HuntClient, type Principal, type ZipDownload } from "@/engine/server/contracts";
import { createZipStream, safeEntryName } from "@/engine/server/export/zip-stream";
import { PAGE, type DownloadsDeps } from "./deps";
import { csvLines, fileNamePart, jsonLines, paged, uniqueNames } from "./entries";
import { addUploads, type UploadEntry } from "./flow";

const HUNT_COLUMNS = ["ClientId", "FlowId", "Fqdn"];
const CLIENT_PAGE = 1000;

async function* huntClients(deps: DownloadsDeps, actor: Principal, huntId: string, signal: AbortSignal): AsyncIterable<HuntClient> {
  for (let offset = 0; ; offset += CLIENT_PAGE) {
    signal.throwIfAborted();
    const page = await deps.hunts.clients(actor, huntId, { offset, limit: CLIENT_PAGE });
    yield* page;
    if (page.length < CLIENT_PAGE) return;
  }
}

export async function huntZip(deps: DownloadsDeps, actor: Principal, p: { huntId: string; signal?: AbortSignal }): Promise<ZipDownload> {
  requirePermission(actor, "READ_RESULTS");
  const hunt = await deps.hunts.get(actor, p.huntId);
  const huntId = hunt.huntId;
  const zip = createZipStream({ signal: p.signal });
  const startedAt = deps.clock.now();
  const unique = uniqueNames();
  const sources: Array<{ name: string; rows: number; json: string; csv: string }> = [];
  const uploads: Array<UploadEntry & { clientId: string; flowId: string }> = [];
  let clients = 0;
  let rowsWritten = 0;

  const run = async () => {
    // Sources (by name, as a flow lists them) with the union of their columns, and the flows
    // that uploaded files.
    const columns = new Map<string, Set<string>>();
    for (const a of hunt.artifacts) columns.set(a, new Set());
    const withUploads: Array<{ clientId: string; flowId: string }> = [];
    for await (const c of huntClients(deps, actor, huntId, zip.signal)) {
      if (!c.flowId) continue;
      clients++;
      const flow = await deps.flows.get(actor, c.clientId, c.flowId).catch(() => undefined);
      if (!flow) continue;
      for (const s of flow.sources) {
        const set = columns.get(s.artifact) ?? new Set<string>();
        for (const col of s.columns) set.add(col);
        columns.set(s.artifact, set);
      }
      if (flow.totalUploadedFiles > 0) withUploads.push({ clientId: c.clientId, flowId: c.flowId });
    }
    // An artifact whose flows all report named sources is not a source of its own.
    for (const [name, set] of columns) if (!set.size && [...columns.keys()].some((k) => k.startsWith(`${name}/`))) columns.delete(name);

    for (const name of [...columns.keys()].sort()) {
      const set = columns.get(name)!;
      let rows = 0;
      const header = [...[...set].filter((c) => !HUNT_COLUMNS.includes(c)), ...HUNT_COLUMNS];
      const json = unique(safeEntryName("results", `${name}.json`));
      const csv = unique(safeEntryName("results", `${name}.csv`));
      const rowsOf = () => paged(deps.hunts.results(actor, { huntId, artifact: name, signal: zip.signal }), PAGE);
      await zip.add(json, jsonLines(rowsOf(), (n) => ((rows += n), (rowsWritten += n))));
      await zip.add(csv, csvLines(header, rowsOf()));
      sources.push({ name, rows, json, csv });
    }
    for (const f of withUploads) {
      const prefix = safeEntryName("clients", f.clientId, f.flowId);
      for (const u of await addUploads(deps, actor, zip, f, prefix, unique)) uploads.push({ ...u, ...f });
    }
    const manifest = {
      type: "hunt",
      huntId,
      description: hunt.description,
      artifacts: hunt.artifacts,
      parameters: hunt.parameters,
      state: hunt.state,
      creator: hunt.creator,
      createdAt: hunt.createdAt,
      startedAt: hunt.startedAt,
      stoppedAt: hunt.stoppedAt,
      downloadedBy: actor.username,
      downloadedAt: startedAt,
      clients,
      sources,
      uploads,
    };
    await zip.add("manifest.json", JSON.stringify(manifest, null, 2) + "\n");
    zip.end();
  };

  void run()
    .catch((err) => {
      if (!zip.signal.aborted) deps.log.error("hunt download failed", { hunt_id: huntId, error: (err as Error)?.message ?? String(err) });
      zip.fail(err);
    })
    .then(() => zip.closed)
    .then((complete) => deps.audit.record(actor, "DownloadHunt", { hunt_id: huntId, rows: rowsWritten, clients, uploads: uploads.length, complete }));

  return { filename: `${fileNamePart(huntId)}.zip`, body: zip.body };
}
