// import_collection(): an offline-collection container (Velociraptor's layout, as collect()
// writes it) stored as a finished flow of a client, so it shows like a collected one. As
// Velociraptor's vql/tools/collector/import.go: collection_context.json names the session and
// the artifacts with results, whose `results/<name>.json` are read; log.json becomes the flow's
// log and uploads.json's files (found at their _Components) its uploads. The client is the one
// named, or for `auto` as Velociraptor picks it (clientFor()). Everything is
// written in one transaction (the flow is never seen half imported, nor sent to an agent).
import { createHash, randomBytes } from "node:crypto";
import { strFromU8, unzipSync } from "fflate";
import { queries, type Db } from "@/drizzle";
import { isFlowId, parseClientId } from "@/engine/protocol";
import { requirePermission, ServiceError, type AuditService, type Principal, type ServiceDeps } from "@/engine/server/contracts";

const PIECE = 1024 * 1024;
const ROW_BATCH = 5000;
const LEVELS: Record<string, string> = { DEFAULT: "INFO", INFO: "INFO", DEBUG: "DEBUG", WARN: "WARN", WARNING: "WARN", ERROR: "ERROR" };

/** A member name's component with its %XX escapes undone (`C%3A` is `C:`, `A%2FS.json` is `A/S.json`). */
function unescapeComponent(c: string): string {
  return c.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * The container's members by their unescaped components: whichever characters the writer
 * escaped (Talon's collect() and Velociraptor's escape a little differently), a member is
 * found by the components uploads.json and the result names give.
 */
function memberIndex(entries: Record<string, Uint8Array>): (components: string[]) => Uint8Array | undefined {
  const byKey = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(entries)) byKey.set(name.split("/").map(unescapeComponent).join("\u0000"), data);
  return (components) => byKey.get(components.join("\u0000"));
}

function jsonLines(data: Uint8Array | undefined): Record<string, unknown>[] {
  if (!data) return [];
  const out: Record<string, unknown>[] = [];
  for (const line of strFromU8(data).split("\n")) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line);
      out.push(v && typeof v === "object" && !Array.isArray(v) ? v : { _value: v });
    } catch {
      // A damaged line is skipped, as a result-set reader skips it.
    }
  }
  return out;
}

function jsonFile(data: Uint8Array | undefined): Record<string, unknown> | undefined {
  if (!data) return undefined;
  try {
    const v = JSON.parse(strFromU8(data));
    return v && typeof v === "object" ? v : undefined;
  } catch {
    return undefined;
  }
}

export interface ImportCollectionInput {
  clientId?: string;
  hostname?: string;
  /** The container's bytes. */
  zip: Uint8Array;
}

export function startImportCollection(deps: ServiceDeps, p: { audit: Pick<AuditService, "record">; changed(clientId: string, flowId: string): void }) {
  const { db } = deps.database;

  /**
   * The client to import into (Velociraptor's rules for `auto`): the one named; else the
   * container's own client id when this server has it (a flow export); else the client with
   * the hostname (given, or client_info.json's); else a new offline client (it never connects).
   */
  async function clientFor(tx: Db, given: string | undefined, hostname: string | undefined, context: Record<string, unknown>, info: Record<string, unknown>, flowId: string, at: Date, notes: string[]): Promise<string> {
    if (given && given !== "auto") {
      const id = parseClientId(given);
      if (!id) throw new ServiceError("bad_request", `\`${given}\` is not a client id (C. followed by 16 hex digits), nor auto`);
      if (!(await queries.getClient(tx, id))) throw new ServiceError("not_found", `no client ${id}`);
      return id;
    }
    const own = parseClientId(context.client_id);
    if (own && (await queries.getClient(tx, own))) return own;
    const host = hostname || String(info.Hostname ?? info.Fqdn ?? "");
    if (host) {
      notes.push(`Searching for a client id with name '${host}'`);
      const found = await queries.clientIdByHostname(tx, host);
      if (found) {
        notes.push(`client id found '${found}'`);
        return found;
      }
    }
    const id = `C.${randomBytes(8).toString("hex")}`;
    notes.push(`Creating new client '${id}'`);
    await queries.createClient(tx, { clientId: id, publicKey: "", agentName: "OfflineVelociraptor", agentVersion: String(info.Version ?? ""), ip: "", at });
    await queries.recordClientInterrogations(
      tx,
      [
        {
          clientId: id,
          flowId,
          hostname: host,
          fqdn: String(info.Fqdn ?? host),
          os: String(info.OS ?? ""),
          platform: String(info.Platform ?? ""),
          release: String(info.PlatformVersion ?? ""),
          architecture: "Offline",
          ipAddresses: [],
          macAddresses: [],
          info,
        },
      ],
      at,
    );
    return id;
  }

  return async function importCollection(actor: Principal, input: ImportCollectionInput): Promise<Record<string, unknown>> {
    requirePermission(actor, "COLLECT_SERVER");
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(input.zip);
    } catch (err) {
      throw new ServiceError("bad_request", `the file is not a readable zip container: ${(err as Error).message}`);
    }
    const context = jsonFile(entries["collection_context.json"]);
    if (!context && entries["hunt_info.json"]) throw new ServiceError("bad_request", "this is a hunt container; Talon does not import hunts");
    if (!context || !context.session_id) {
      throw new ServiceError("bad_request", `unable to load collection_context${entries["data.zip"] ? " (the container is encrypted; Talon cannot open encrypted containers)" : ""}`);
    }
    const at = deps.clock.now();
    const info = jsonFile(entries["client_info.json"]) ?? {};
    const request = (context.request ?? {}) as { artifacts?: string[]; specs?: Array<{ artifact: string; parameters?: { env?: Array<{ key: string; value: unknown }> } }> };
    const withResults = Array.isArray(context.artifacts_with_results) ? (context.artifacts_with_results as unknown[]).map(String) : [];
    const requested = request.artifacts?.length ? request.artifacts.map(String) : [...new Set(withResults.map((n) => n.split("/")[0]!))];
    const parameters: Record<string, Record<string, unknown>> = {};
    for (const s of request.specs ?? []) parameters[s.artifact] = Object.fromEntries((s.parameters?.env ?? []).map((e) => [e.key, e.value]));

    // What the container holds.
    const member = memberIndex(entries);
    const results = withResults.map((name) => {
      const rows = jsonLines(member(["results", `${name}.json`]));
      const columns: string[] = [];
      for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
      return { name, rows, columns };
    });
    const logLines = jsonLines(entries["log.json"]);
    const uploadRows = jsonLines(entries["uploads.json"]).filter((u) => u.Type !== "idx" && Array.isArray(u._Components));
    const missing: string[] = [];
    const uploads = uploadRows.flatMap((u, i) => {
      const components = (u._Components as unknown[]).map(String);
      const data = member(components);
      if (!data) {
        missing.push(components.join("/"));
        return [];
      }
      const name = typeof u.vfs_path === "string" && u.vfs_path ? u.vfs_path : `/${components.slice(2).join("/")}`;
      return [{ uploadId: `U${i + 1}`, name, data, sha256: createHash("sha256").update(data).digest("hex") }];
    });
    const state = context.state === 3 ? "ERROR" : "FINISHED";

    const notes: string[] = [];
    const { clientId, flowId } = await queries.inTransaction(db, async (tx) => {
      const session = String(context.session_id);
      const taken = isFlowId(session) ? (await queries.getFlowsForIngest(tx, [session])).flows.has(session) : true;
      const flowId = taken ? (deps.ids.flowId() as string) : session;
      const clientId = await clientFor(tx, input.clientId, input.hostname, context, info, flowId, at, notes);
      const stored = {
        artifacts: requested,
        parameters,
        compiled: requested.map((a) => ({ name: a, env: parameters[a] ?? {}, sources: results.filter((r) => r.name === a || r.name.startsWith(`${a}/`)).map((r) => ({ name: r.name, query: "" })) })),
        timeoutMs: 0,
        maxRows: 0,
        maxUploadBytes: 0,
        permissions: [],
        creator: actor.username,
        imported: { session_id: session, file: "collection_context.json" },
      };
      await queries.createFlows(tx, { flows: [{ flowId, clientId }], creator: actor.username, request: stored, at });
      const empty = { logs: [], sources: [], flows: [], uploads: [], finals: [], acks: [], at: at.toISOString() };
      for (const r of results) {
        for (let from = 0; from < r.rows.length; from += ROW_BATCH) {
          const rows = r.rows.slice(from, from + ROW_BATCH).map((row, i) => ({ flowId, artifact: r.name, ordinal: from + i, row }));
          await queries.writeIngestBatch(tx, { ...empty, rows });
        }
      }
      for (const u of uploads) {
        for (let off = 0; off < u.data.length; off += PIECE) await queries.insertUploadPart(tx, { flowId, uploadId: u.uploadId, offset: off, data: u.data.subarray(off, off + PIECE) });
      }
      const logs = [
        ...logLines.map((l) => ({
          at: new Date(typeof l._ts === "number" ? l._ts * 1000 : at.getTime()).toISOString(),
          level: LEVELS[String(l.level ?? "").toUpperCase()] ?? "INFO",
          message: String(l.message ?? "").replace(/\n$/, ""),
        })),
        ...notes.map((message) => ({ at: at.toISOString(), level: "INFO", message })),
        ...missing.map((m) => ({ at: at.toISOString(), level: "ERROR", message: `import_collection: ${m} is listed in uploads.json but not in the container` })),
      ];
      const totalRows = results.reduce((n, r) => n + r.rows.length, 0);
      const uploadBytes = uploads.reduce((n, u) => n + u.data.length, 0);
      await queries.writeIngestBatch(tx, {
        rows: [],
        logs: logs.map((l, i) => ({ flowId, ordinal: i, at: l.at, level: l.level, message: l.message, artifact: "" })),
        sources: results.map((r) => ({ flowId, artifact: r.name, columns: r.columns, addRows: r.rows.length, state: "finished" })),
        flows: [
          {
            flowId,
            addRows: totalRows,
            addLogs: logs.length,
            addUploadFiles: uploads.length,
            addUploadBytes: uploadBytes,
            withResults: results.filter((r) => r.rows.length).map((r) => r.name),
            activeAt: at.toISOString(),
            startedAt: at.toISOString(),
          },
        ],
        uploads: uploads.map((u) => ({ flowId, uploadId: u.uploadId, name: u.name, size: u.data.length, sha256: u.sha256, storedPath: "", artifact: "" })),
        finals: [{ flowId, state, status: state === "ERROR" ? String(context.status ?? "the offline collection failed") : "", at: at.toISOString() }],
        acks: [],
        at: at.toISOString(),
      });
      return { clientId, flowId };
    });
    await p.audit.record(actor, "ImportCollection", { client_id: clientId, flow_id: flowId, artifacts: requested });
    p.changed(clientId, flowId);
    return {
      ...context,
      client_id: clientId,
      session_id: flowId,
      total_collected_rows: results.reduce((n, r) => n + r.rows.length, 0),
      total_uploaded_files: uploads.length,
      total_uploaded_bytes: uploads.reduce((n, u) => n + u.data.length, 0),
      artifacts_with_results: results.filter((r) => r.rows.length).map((r) => r.name),
    };
  };
}
