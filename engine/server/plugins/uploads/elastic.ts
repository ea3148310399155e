// elastic_upload(): Velociraptor's Elasticsearch uploader. The query's rows go to `_bulk` as
// NDJSON, an action line (`{"index":{"_id":…,"_index":…}}`, or `create`, with `pipeline` when
// given) before each row's JSON; a row's `_index` column (sanitized) and `_id` column replace the
// index and generated id and are removed from the document. One row per bulk request:
// `StatusCode` and `Response` (the parsed reply, null when it is not JSON); a request nothing
// answered is an ERROR line and its rows are dropped. Authentication by api_key
// (`Authorization: ApiKey …`) or username/password (Basic); cloud_id names the node. Nodes are
// tried in turn until one answers. Through the outbound guard (TALON_HTTP_CLIENT_ALLOW); secrets
// never appear in rows or logs. NETWORK permission.
import { arg, definePlugin, dictGet, isDictLike, OrderedDict, toJsonText, type BuiltinContext, type InferArgs } from "@/engine/vql";
import { guarded } from "../clients";
import { serverHost } from "../host";
import { uploadBatches } from "./batches";
import { bodyText, post, rowDict, scrub } from "./common";

const ARGS = {
  query: arg.query().required().doc("Source for rows to upload."),
  threads: arg.int().default(0).min(0).doc("How many bulk requests may be in flight at once (default 1)."),
  index: arg.string().doc("The name of the index to upload to. If not specified ensure a column is named '_index'."),
  type: arg.string().doc("The type of the index to upload to (accepted; bulk action lines carry no type, as in Velociraptor)."),
  chunk_size: arg.int().default(0).min(0).doc("The number of rows to send at the time (default 1000)."),
  addresses: arg.list(arg.string()).doc("A list of Elasticsearch nodes to use (default http://localhost:9200)."),
  username: arg.string().doc("Username for HTTP Basic Authentication."),
  password: arg.string().doc("Password for HTTP Basic Authentication."),
  cloud_id: arg.string().doc("Endpoint for the Elastic Service (https://elastic.co/cloud)."),
  api_key: arg.string().doc("Base64-encoded token for authorization; if set, overrides username and password."),
  wait_time: arg.int().default(0).min(0).doc("Send a partial batch after this many seconds (default 2)."),
  pipeline: arg.string().doc("Pipeline for uploads"),
  disable_ssl_security: arg.bool().default(false).doc("Disable ssl certificate verifications (deprecated in favor of skip_verify)."),
  skip_verify: arg.bool().default(false).doc("Disable ssl certificate verifications."),
  root_ca: arg.string().doc("As a better alternative to disable_ssl_security, allows root ca certs to be added here."),
  max_memory_buffer: arg.int().default(0).min(0).doc("A batch goes out once its NDJSON passes this many bytes (default 100mb)."),
  action: arg.string().doc("Either index or create. For data streams this must be create."),
  secret: arg.string().doc("Alternatively use a secret from the secrets service. Secret must be of type 'Elastic'"),
};

type Args = InferArgs<typeof ARGS>;

const DEFAULT_ADDRESS = "http://localhost:9200";
const TIMEOUT_MS = 100_000;

/** Velociraptor's sanitize_index: Elasticsearch's rules for index names. */
export function sanitizeIndex(name: string): string {
  if (name === "." || name === "..") return "invalid";
  let out = "";
  let i = 0;
  for (const c of name) {
    if ('\\/*?"<>| ,#'.includes(c)) out += "_";
    else if (i === 0 && "-+_".includes(c)) {
      // must not start with '_', '-' or '+'
    } else out += c;
    i++;
  }
  return out.toLowerCase();
}

/** The node a Cloud ID names: `name:base64("host$es-uuid$kibana-uuid")` -> https://es-uuid.host. */
export function cloudIdAddress(cloudId: string): string | undefined {
  const encoded = cloudId.includes(":") ? cloudId.slice(cloudId.indexOf(":") + 1) : cloudId;
  const parts = Buffer.from(encoded, "base64").toString("utf8").split("$");
  if (parts.length < 2 || !parts[0] || !parts[1]) return undefined;
  return `https://${parts[1]}.${parts[0]}`;
}

interface Settings {
  addresses: string[];
  index: string;
  pipeline: string;
  action: string;
  headers: Record<string, string>;
  secrets: string[];
  skipVerify: boolean;
  rootCa?: string;
}

async function settings(a: Args, ctx: BuiltinContext): Promise<Settings | undefined> {
  let v = { ...a } as Args & { addresses?: string[] };
  if (a.secret) {
    const { principal, services } = serverHost(ctx.host);
    const s = await guarded(ctx, () => services.secrets.resolve(principal, a.secret!, "Elastic"), null);
    if (!s) return undefined;
    const str = (k: string) => (typeof s.values[k] === "string" ? (s.values[k] as string) : undefined);
    const addresses = (str("addresses") ?? "").split(",").map((x) => x.trim()).filter(Boolean);
    if (!addresses.length) {
      ctx.log("ERROR", "elastic_upload: No addresses present in elastic secret!");
      return undefined;
    }
    // The call may override index, type, pipeline and action; the rest is the secret's.
    v = {
      ...v,
      addresses,
      index: a.index || str("index"),
      pipeline: a.pipeline || str("pipeline"),
      action: a.action || str("action"),
      username: str("username"),
      password: str("password"),
      cloud_id: str("cloud_id"),
      api_key: str("api_key"),
      skip_verify: s.values.skip_verify === true,
      root_ca: str("root_ca"),
    };
  }
  const action = v.action || "index";
  if (action !== "index" && action !== "create") {
    ctx.log("ERROR", "elastic_upload: action must be either index or create");
    return undefined;
  }
  if (a.disable_ssl_security) ctx.log("WARN", "elastic_upload: disable_ssl_security is deprecated, please use skip_verify instead");
  const addresses = v.addresses?.length ? v.addresses : [];
  if (!addresses.length && v.cloud_id) {
    const node = cloudIdAddress(v.cloud_id);
    if (!node) {
      ctx.log("ERROR", "elastic_upload: cloud_id is not a valid Elastic Cloud ID");
      return undefined;
    }
    addresses.push(node);
  }
  if (!addresses.length) addresses.push(DEFAULT_ADDRESS);
  const headers: Record<string, string> = { "Content-Type": "application/x-ndjson", Accept: "application/json" };
  if (v.api_key) headers.Authorization = `ApiKey ${v.api_key}`;
  else if (v.username || v.password) headers.Authorization = `Basic ${Buffer.from(`${v.username ?? ""}:${v.password ?? ""}`).toString("base64")}`;
  return {
    addresses: addresses.map((x) => x.replace(/\/+$/, "")),
    index: v.index ?? "",
    pipeline: v.pipeline ?? "",
    action,
    headers,
    secrets: [v.api_key, v.password, headers.Authorization?.split(" ")[1]].filter((x): x is string => !!x),
    skipVerify: v.skip_verify || a.disable_ssl_security,
    rootCa: v.root_ca,
  };
}

/** Ids for rows without an `_id` column: distinct within the run and across runs (time-based). */
function idSource(): () => string {
  let next = BigInt(Date.now()) * 1_000_000n;
  return () => String(next++);
}

/** The row's two NDJSON lines: the action and the document. */
function bulkLines(row: OrderedDict, s: Settings, nextId: () => string): string {
  let index = s.index;
  if (row.has("_index")) {
    index = sanitizeIndex(String(toText(row.get("_index"))));
    row.delete("_index");
  }
  let id: string;
  if (row.has("_id") && typeof row.get("_id") === "string") {
    id = row.get("_id") as string;
    row.delete("_id");
  } else id = nextId();
  const meta: Record<string, string> = { _id: id, _index: index };
  if (s.pipeline) meta.pipeline = s.pipeline;
  return `${JSON.stringify({ [s.action]: meta })}\n${toJsonText(row)}\n`;
}

function toText(v: unknown): string {
  return typeof v === "string" ? v : toJsonText(v).replace(/^"|"$/g, "");
}

/** A summary of the documents a 200 reply says were rejected (`errors: true`), or undefined. */
function rejected(response: unknown): string | undefined {
  if (!isDictLike(response) || dictGet(response, "errors") !== true) return undefined;
  const items = dictGet(response, "items");
  if (!Array.isArray(items)) return "some documents were rejected";
  const bad = items.map((it) => (isDictLike(it) ? Object.values(it)[0] : undefined)).filter((r) => isDictLike(r) && dictGet(r, "error") !== undefined);
  const first = bad[0] as Record<string, unknown> | undefined;
  const err = first?.error as Record<string, unknown> | undefined;
  const why = err ? `${String(err.type ?? "")}: ${String(err.reason ?? "")}` : "";
  return `${bad.length} of ${items.length} documents were rejected${why ? ` (first: ${why})` : ""}`;
}

export const elasticUploadPlugin = definePlugin({
  name: "elastic_upload",
  category: "server",
  doc: "Upload rows to elastic: the rows of `query` in `_bulk` requests of `chunk_size` rows (or after `wait_time` seconds), one row per request with `StatusCode` and `Response` (Elasticsearch's reply). A row's `_index` and `_id` columns choose its index and document id. Destinations go through the outbound guard (TALON_HTTP_CLIENT_ALLOW).",
  args: ARGS,
  permissions: ["NETWORK"],
  platforms: ["server"],
  sideEffects: true,
  run(a, ctx) {
    let s: Settings | undefined;
    const nextId = idSource();
    let node = 0;
    return uploadBatches(ctx, a.query, {
      size: a.chunk_size || 1000,
      waitMs: (a.wait_time || 2) * 1000,
      threads: a.threads || 1,
      maxBytes: a.max_memory_buffer || 100 * 1024 * 1024,
      bytes: (lines: string) => Buffer.byteLength(lines),
      async start() {
        s = await settings(a, ctx);
        return !!s;
      },
      async encode(row) {
        return bulkLines(await rowDict(ctx, row), s!, nextId);
      },
      async send(batch, signal) {
        const st = s!;
        const body = batch.join("");
        let lastError = "";
        // Each node in turn (starting where the last request went) until one answers.
        for (let tried = 0; tried < st.addresses.length; tried++) {
          const address = st.addresses[(node + tried) % st.addresses.length]!;
          try {
            const r = await post({ url: `${address}/_bulk`, headers: st.headers, body, signal, timeoutMs: TIMEOUT_MS, skipVerify: st.skipVerify, rootCa: st.rootCa });
            node = (node + tried + 1) % st.addresses.length;
            let response: unknown = null;
            try {
              response = r.body.length ? JSON.parse(r.body.toString("utf8")) : null;
            } catch {
              response = null;
            }
            if (r.status < 200 || r.status > 299) ctx.log("ERROR", scrub(`elastic_upload: ${address} answered ${r.status} to a bulk request of ${batch.length} rows: ${bodyText(r.body)}`, st.secrets));
            else {
              const bad = rejected(response);
              if (bad) ctx.log("WARN", scrub(`elastic_upload: ${bad}`, st.secrets));
            }
            return [new OrderedDict([["StatusCode", r.status], ["Response", response]])];
          } catch (err) {
            signal.throwIfAborted();
            lastError = scrub((err as Error).message, st.secrets);
          }
        }
        ctx.log("ERROR", `elastic_upload: ${lastError}; ${batch.length} rows were not uploaded`);
        return [];
      },
    });
  },
});
