// logscale_upload(): Velociraptor's LogScale (Humio) uploader. The query's rows go to
// `<apibaseurl>/v1/ingest/humio-structured` with `Authorization: Bearer <ingest_token>`, in
// batches of `event_batch_size` (or after `batching_timeout_ms`): a JSON array with one
// `{"events":[{"timestamp","attributes"}],"tags":{…}}` per row, the timestamp from the row's
// `Time`, `timestamp` or `_ts` column (else now), the tags from `tag_fields` (`column` or
// `column=tag`) plus ClientId and ClientHostname when the row has a ClientId. Like
// Velociraptor's it emits no rows: progress is in the log (`logscale/N: …`, statistics every
// `stats_interval` seconds). Failures without an answer, 408, 429 and 5xx are retried (1 s
// doubling to 60 s, `max_retries` times; < 0 forever); others lose the batch with a log line.
// Through the outbound guard; the token never appears. COLLECT_SERVER, as in Velociraptor.
import { arg, definePlugin, OrderedDict, toJsonText, toTimestamp, Timestamp, type BuiltinContext, type InferArgs, type LogLevel } from "@/engine/vql";
import { uploadBatches, sleep } from "./batches";
import { bodyText, post, retryable, rowDict, scrub } from "./common";

const ARGS = {
  query: arg.query().required().doc("Source for rows to upload."),
  apibaseurl: arg.string().required().doc("Base URL for Ingestion API"),
  ingest_token: arg.string().required().doc("Ingest token for API"),
  threads: arg.int().default(0).doc("How many threads to use to post batched events."),
  http_timeout: arg.int().default(0).doc("Timeout for http requests (default: 10s)"),
  max_retries: arg.int().default(7200).doc("Maximum number of retries before failing an operation. A value < 0 means retry forever. (default: 7200)"),
  root_ca: arg.string().doc("As a better alternative to skip_verify, allows root ca certs to be added here."),
  skip_verify: arg.bool().default(false).doc("Skip verification of server certificates (default: false)"),
  batching_timeout_ms: arg.int().default(0).doc("Timeout between posts (default: 3000ms)"),
  event_batch_size: arg.int().default(0).doc("Items to batch before post (default: 2000)"),
  tag_fields: arg.list(arg.string()).doc("Name of fields to be used as tags. Fields can be renamed using =<newname>"),
  stats_interval: arg.int().default(600).doc("Interval, in seconds, to post statistics to the log (default: 600, 0 to disable)"),
  debug: arg.bool().default(false).doc("Enable verbose logging."),
};

type Args = InferArgs<typeof ARGS>;

const ENDPOINT = "/v1/ingest/humio-structured";
const MAX_BACKOFF_MS = 60_000;
const HOSTNAMES = Symbol("logscale_upload client hostnames");
let queues = 0;

/** `column` or `column=tag` specs as column -> tag; a message naming the bad entry otherwise. */
export function tagMap(specs: readonly string[] | undefined): Map<string, string> | string {
  const m = new Map<string, string>();
  for (const raw of specs ?? []) {
    // An empty entry (split() of an empty parameter) names nothing.
    if (raw === "") continue;
    const at = raw.indexOf("=");
    const col = at < 0 ? raw : raw.slice(0, at);
    const tag = at < 0 ? raw : raw.slice(at + 1);
    if (!col) return "Empty column name is not valid";
    if (!tag) return "Empty tag name is not valid";
    m.set(col, tag);
  }
  return m;
}

function validate(a: Args): string | undefined {
  if (!a.apibaseurl) return "apibaseurl: invalid value - must not be empty";
  try {
    const u = new URL(a.apibaseurl);
    if (u.protocol !== "http:" && u.protocol !== "https:") return "apibaseurl: must be an http or https URL";
  } catch {
    return "apibaseurl: not a valid URL";
  }
  if (!a.ingest_token) return "ingest_token: invalid value - must not be empty";
  for (const k of ["threads", "batching_timeout_ms", "event_batch_size", "http_timeout", "stats_interval"] as const) {
    if (a[k] < 0) return `${k}: invalid value ${a[k]} - must be 0 or positive integer`;
  }
  return undefined;
}

/** The hostname of a client (cached for the run); "" when it cannot be found. */
async function clientHostname(ctx: BuiltinContext, clientId: string): Promise<string> {
  const cache = ctx.runShared(HOSTNAMES, () => new Map<string, Promise<string>>());
  let p = cache.get(clientId);
  if (!p) {
    const h = ctx.host as { principal?: unknown; services?: { clients?: { get(p: unknown, id: string): Promise<{ hostname: string }> } } } | undefined;
    p = h?.services?.clients && h.principal ? h.services.clients.get(h.principal, clientId).then((c) => c.hostname ?? "", () => "") : Promise.resolve("");
    cache.set(clientId, p);
  }
  return p;
}

async function payload(ctx: BuiltinContext, row: OrderedDict, tags: Map<string, string>): Promise<string> {
  const t = new OrderedDict();
  const clientId = row.get("ClientId");
  if (typeof clientId === "string") {
    t.set("ClientId", clientId);
    const hostname = await clientHostname(ctx, clientId);
    if (hostname) t.set("ClientHostname", hostname);
  }
  for (const [col, tag] of tags) if (row.has(col)) t.set(tag, row.get(col));
  const tsCol = ["Time", "timestamp", "_ts"].find((k) => row.has(k));
  const ts = (tsCol !== undefined ? toTimestamp(row.get(tsCol)) : null) ?? Timestamp.fromMillis(ctx.now());
  const event = new OrderedDict([
    ["timestamp", ts],
    ["attributes", row],
  ]);
  const p = new OrderedDict([["events", [event]]]);
  if (t.size) p.set("tags", t);
  return toJsonText(p);
}

export const logscaleUploadPlugin = definePlugin({
  name: "logscale_upload",
  category: "server",
  doc: "Upload rows to LogScale ingestion server: the rows of `query` POSTed to `apibaseurl` + /v1/ingest/humio-structured in batches of `event_batch_size` (or after `batching_timeout_ms`), `tag_fields` naming the columns sent as tags. Emits no rows; progress and failures are logged. Destinations go through the outbound guard (TALON_HTTP_CLIENT_ALLOW).",
  args: ARGS,
  permissions: ["COLLECT_SERVER"],
  platforms: ["server"],
  sideEffects: true,
  run(a, ctx) {
    const id = ++queues;
    const prefix = `logscale/${id}: `;
    const log = (msg: string, level: LogLevel = "INFO") => ctx.log(level, prefix + scrub(msg, [a.ingest_token]));
    const debug = (msg: string) => a.debug && log(msg, "DEBUG");
    const threads = a.threads || 1;
    const timeoutMs = (a.http_timeout || 10) * 1000;
    const url = `${(a.apibaseurl ?? "").replace(/\/+$/, "")}${ENDPOINT}`;
    const stats = { posted: 0, bytes: 0, failed: 0, retries: 0, queued: 0 };
    let tags = new Map<string, string>();
    let timer: ReturnType<typeof setInterval> | undefined;
    const stopStats = () => {
      if (timer) clearInterval(timer);
      timer = undefined;
    };
    const postStats = () => log(`Posted ${stats.posted} events ${stats.bytes} bytes, backlog of ${stats.queued} events, ${stats.failed} events dropped, ${stats.retries} retries`);
    const rows = uploadBatches(ctx, a.query, {
      size: a.event_batch_size || 2000,
      waitMs: a.batching_timeout_ms || 3000,
      threads,
      async start() {
        const bad = validate(a);
        const m = bad ? bad : tagMap(a.tag_fields);
        if (typeof m === "string") {
          ctx.log("ERROR", `logscale_upload: Invalid Argument - ${m}`);
          return false;
        }
        tags = m;
        log(`plugin started (${threads} threads)`);
        if (a.stats_interval > 0) {
          timer = setInterval(postStats, a.stats_interval * 1000);
          ctx.signal.addEventListener("abort", stopStats, { once: true });
        }
        return true;
      },
      async encode(row) {
        stats.queued++;
        return payload(ctx, await rowDict(ctx, row), tags);
      },
      async send(batch, signal) {
        const body = `[${batch.join(",")}]`;
        const headers = { "Content-Type": "application/json", Accept: "application/json", Authorization: `Bearer ${a.ingest_token}` };
        debug(`posting ${batch.length} events`);
        for (let retries = 0; ; ) {
          let status: number | undefined;
          let failure: unknown;
          let why: string;
          try {
            const r = await post({ url, headers, body, signal, timeoutMs, skipVerify: a.skip_verify, rootCa: a.root_ca });
            status = r.status;
            debug(`sent ${batch.length} events ${Buffer.byteLength(body)} bytes, response with status: ${r.status}`);
            if (r.status >= 200 && r.status <= 299) {
              if (retries > 0) log("Retry successful, pushing backlog.");
              stats.posted += batch.length;
              stats.bytes += Buffer.byteLength(body);
              stats.queued -= batch.length;
              return [];
            }
            why = `http error: ${r.status}, "${bodyText(r.body)}"`;
          } catch (err) {
            signal.throwIfAborted();
            failure = err;
            why = (err as Error).message;
          }
          log(`request failed: ${why}`, "WARN");
          if (retryable(status, failure)) {
            retries++;
            if (a.max_retries < 0 || retries <= a.max_retries) {
              const wait = Math.min(1000 * 2 ** retries, MAX_BACKOFF_MS);
              stats.retries++;
              log(`Failed to POST events, will attempt retry #${retries} in ${wait / 1000}s.`, "WARN");
              await sleep(wait, signal);
              signal.throwIfAborted();
              continue;
            }
            why = `Maximum retries exceeded: ${retries} attempts, last error=${why}`;
          }
          stats.failed += batch.length;
          stats.queued -= batch.length;
          log(`Failed to post events, lost ${batch.length} events: ${why}`, "ERROR");
          return [];
        }
      },
      onEnd() {
        stopStats();
        log("plugin terminating");
      },
    });
    return rows;
  },
});
