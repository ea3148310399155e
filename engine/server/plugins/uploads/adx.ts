// adx_upload(): Velociraptor's Azure Data Explorer uploader (vql/server/adx.go). The query's rows
// become JSON lines {IngestionTime, Artifact, ClientId, FlowId, Organization, Hostname,
// Timestamp, RawData} (the `_Artifact`, `_ClientId`, `_FlowId`, `_Organization`, `_Hostname`
// and `_timestamp` columns give the metadata and leave RawData), sent in batches of `chunk_size`
// rows, after `wait_time` seconds or past `max_memory_buffer` bytes, through queued ingestion
// (kusto-client.ts) with a service principal's credentials. One row per batch: Rows, Bytes,
// DurationMs, FlushReason, Status (Success or Error), Database and Table, Response. A `secret` of
// type `ADX Creds` gives the credentials (and cluster, database, table unless the call names
// them). The client secret appears in no row, log or error. NETWORK.
import { arg, definePlugin, OrderedDict, toJsonText, toJsonValue, type BuiltinContext, type InferArgs } from "@/engine/vql";
import { guarded } from "../clients";
import { serverHost } from "../host";
import { uploadBatches, type FlushReason } from "./batches";
import { rowDict, scrub } from "./common";
import { KustoIngest } from "./kusto-client";

const ARGS = {
  query: arg.query().required().doc("Source for rows to upload."),
  threads: arg.int().default(0).min(0).doc("How many threads to use."),
  cluster_url: arg.string().doc("The ADX cluster URL."),
  database: arg.string().doc("The ADX database name."),
  table: arg.string().doc("The name of the table to upload to."),
  client_id: arg.string().doc("Azure Service Principal Client ID."),
  client_secret: arg.string().doc("Azure Service Principal Client Secret."),
  tenant_id: arg.string().doc("Azure Service Principal Tenant ID."),
  chunk_size: arg.int().default(0).min(0).doc("The number of rows to send at the time."),
  wait_time: arg.int().default(0).min(0).doc("Batch ADX upload this long (5 sec)."),
  max_memory_buffer: arg.int().default(0).min(0).doc("How large we allow the memory buffer to grow to while we are trying to contact the ADX server (default 100mb)."),
  secret: arg.string().doc("Alternatively use a secret from the secrets service. Secret must be of type 'ADX Creds'"),
};

type Args = InferArgs<typeof ARGS>;

const META = ["_Artifact", "_ClientId", "_FlowId", "_Organization", "_Hostname", "_timestamp"] as const;
const REASONS: Record<FlushReason, string> = { size: "chunk_size", bytes: "max_memory_buffer", wait: "wait_time", end: "channel_closed" };

interface Item {
  at: number;
  meta: Record<string, string>;
  timestamp: string;
  raw: string;
}

/** The call's settings with the secret's in (Velociraptor's mergeSecretADX), or undefined (logged). */
async function settings(a: Args, ctx: BuiltinContext): Promise<Args | undefined> {
  let v = a;
  if (a.secret) {
    const { principal, services } = serverHost(ctx.host);
    const s = await guarded(ctx, () => services.secrets.resolve(principal, a.secret!, "ADX Creds"), null);
    if (!s) return undefined;
    const str = (k: string) => (typeof s.values[k] === "string" ? (s.values[k] as string) : "");
    v = { ...a, table: a.table || str("table"), cluster_url: a.cluster_url || str("cluster_url"), database: a.database || str("database"), client_id: str("client_id"), client_secret: str("client_secret"), tenant_id: str("tenant_id") };
  }
  const fail = (why: string) => (ctx.log("ERROR", `adx_upload: ${why}`), undefined);
  if (!v.cluster_url) return fail("field cluster_url is required");
  try {
    const u = new URL(v.cluster_url);
    if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("not http(s)");
  } catch {
    return fail("invalid cluster_url format");
  }
  if (!v.database) return fail("field database is required");
  if (!v.client_id || !v.client_secret || !v.tenant_id) return fail("client_id, client_secret, and tenant_id are required");
  return v;
}

const text = (v: unknown) => (typeof v === "string" ? v : "");

/** A Timestamp column's text: strings as they are, times in RFC 3339, other values as JSON. */
function timestampText(v: unknown): string {
  const j = toJsonValue(v);
  if (j === null || j === undefined) return "";
  return typeof j === "string" ? j : JSON.stringify(j);
}

function line(item: Item, ingestionTime: string): string {
  const head = JSON.stringify({ IngestionTime: ingestionTime, Artifact: item.meta._Artifact, ClientId: item.meta._ClientId, FlowId: item.meta._FlowId, Organization: item.meta._Organization, Hostname: item.meta._Hostname, Timestamp: item.timestamp });
  return `${head.slice(0, -1)},"RawData":${item.raw}}\n`;
}

export const adxUploadPlugin = definePlugin({
  name: "adx_upload",
  category: "server",
  doc: "Upload rows to Azure Data Explorer (ADX): the rows of `query` as JSON lines {IngestionTime, Artifact, ClientId, FlowId, Organization, Hostname, Timestamp, RawData} (from the `_Artifact`, `_ClientId`, `_FlowId`, `_Organization`, `_Hostname`, `_timestamp` columns), queued for ingestion into `database`.`table` in batches of `chunk_size` rows (or after `wait_time` seconds); one row per batch with Rows, Bytes, DurationMs, FlushReason, Status and Response. Destinations go through the outbound guard (TALON_HTTP_CLIENT_ALLOW).",
  args: ARGS,
  permissions: ["NETWORK"],
  platforms: ["server"],
  sideEffects: true,
  run(a, ctx) {
    let s: Args | undefined;
    let kusto: KustoIngest | undefined;
    const maxBytes = a.max_memory_buffer || 100 * 1024 * 1024;
    return uploadBatches<Item>(ctx, a.query, {
      size: a.chunk_size || 1000,
      waitMs: (a.wait_time || 5) * 1000,
      threads: a.threads || 1,
      maxBytes,
      async start() {
        s = await settings(a, ctx);
        if (s) kusto = new KustoIngest(s.cluster_url!, { clientId: s.client_id!, clientSecret: s.client_secret!, tenantId: s.tenant_id! }, () => ctx.now());
        return !!s;
      },
      async encode(row) {
        const d = await rowDict(ctx, row);
        const meta = Object.fromEntries(META.map((k) => [k, text(d.get(k))]));
        const timestamp = timestampText(d.has("Timestamp") && d.get("Timestamp") != null ? d.get("Timestamp") : d.get("_timestamp"));
        for (const k of META) d.delete(k);
        return { at: ctx.now(), meta, timestamp, raw: toJsonText(d) };
      },
      bytes: (item) => item.raw.length + 200,
      async send(batch, signal, reason) {
        const st = s!;
        const database = st.database!;
        const table = st.table || "RawVelociraptorEvents";
        const ingestionTime = new Date(batch[0]!.at).toISOString().replace(/\.\d{3}Z$/, "Z");
        const data = Buffer.from(batch.map((i) => line(i, ingestionTime)).join(""), "utf8");
        const flush = REASONS[reason];
        const duration = Math.max(0, Math.round(ctx.now() - batch[0]!.at));
        try {
          await kusto!.ingest(database, table, data, signal);
          ctx.log("INFO", `adx_upload: successfully uploaded ${batch.length} rows (${data.length} bytes) to ${database}.${table} (reason=${flush} duration=${duration}ms)`);
          return [new OrderedDict([["Rows", batch.length], ["Bytes", data.length], ["DurationMs", duration], ["FlushReason", flush], ["Status", "Success"], ["Database", database], ["Table", table], ["Response", "Ingestion queued successfully (async)"]])];
        } catch (err) {
          signal.throwIfAborted();
          const why = scrub((err as Error).message, kusto!.secrets());
          ctx.log("ERROR", `adx_upload: failed to upload ${batch.length} rows (${data.length} bytes) (reason=${flush} duration=${duration}ms): ${why}`);
          return [new OrderedDict([["Rows", batch.length], ["Bytes", data.length], ["DurationMs", duration], ["FlushReason", flush], ["Status", "Error"], ["Response", why]])];
        }
      },
    });
  },
});
