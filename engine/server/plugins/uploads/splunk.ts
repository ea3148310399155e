// splunk_upload(): Velociraptor's Splunk HTTP Event Collector uploader. The query's rows go to
// `url` (the collector endpoint, e.g. https://splunk:8088/services/collector/event) in POSTs of
// `chunk_size` events with `Authorization: Splunk <token>`; each event is
// `{"time","host","source","sourcetype","index","event"}`, stacked one per line. `_splunk_index`,
// `_splunk_source` and `_splunk_source_type` columns override index, source and sourcetype and
// are removed; `timestamp_field` gives the time (epoch seconds), `hostname_field` the host. One row
// per batch: `Response`, the number of rows sent, or the error once `max_retries` retries (after
// retry_wait, doubling) failed. Through the outbound guard; the token never appears. NETWORK.
import { hostname as osHostname } from "node:os";
import { arg, definePlugin, OrderedDict, toJsonText, toTimestamp, type BuiltinContext, type InferArgs } from "@/engine/vql";
import { guarded } from "../clients";
import { serverHost } from "../host";
import { sleep, uploadBatches } from "./batches";
import { bodyText, post, retryable, rowDict, scrub } from "./common";

const ARGS = {
  query: arg.query().required().doc("Source for rows to upload."),
  threads: arg.int().default(0).min(0).doc("How many batches may be in flight at once (default 1)."),
  url: arg.string().doc("The Splunk Event Collector URL."),
  token: arg.string().doc("Splunk HEC Token."),
  index: arg.string().doc("The name of the index to upload to. If not specified, ensure a column is named _splunk_index."),
  source: arg.string().doc("The source field for splunk. If not specified ensure a column is named _splunk_source or this will be 'velociraptor'."),
  sourcetype: arg.string().doc("The sourcetype field for splunk. If not specified ensure a column is named _splunk_source_type or this will 'vql'"),
  chunk_size: arg.int().default(0).min(0).doc("The number of rows to send at the time (default 1000)."),
  skip_verify: arg.bool().default(false).doc("Skip SSL verification(default: False)."),
  root_ca: arg.string().doc("As a better alternative to skip_verify, allows root ca certs to be added here."),
  wait_time: arg.int().default(0).min(0).doc("Send a partial batch after this many seconds (default 2)."),
  hostname: arg.string().doc("Hostname for Splunk Events. Defaults to server hostname."),
  timestamp_field: arg.string().doc("Field to use as event timestamp."),
  hostname_field: arg.string().doc("Field to use as event hostname. Overrides hostname parameter."),
  secret: arg.string().doc("Alternatively use a secret from the secrets service. Secret must be of type 'Splunk'"),
  max_retries: arg.int().default(0).min(0).doc("Maximum number of retries for failed uploads (default: 3)."),
  retry_wait: arg.float().default(0).min(0).doc("Base wait time in seconds for exponential backoff between retries (default: 2). Actual wait times: 2s, 4s, 8s, 16s..."),
  idle_conn_timeout: arg.int().default(0).min(0).doc("Accepted for compatibility: every request uses a connection of its own."),
};

type Args = InferArgs<typeof ARGS>;

const TIMEOUT_MS = 20_000;

interface Settings {
  url: string;
  token: string;
  index: string;
  source: string;
  sourcetype: string;
  hostname: string;
  hostnameField?: string;
  skipVerify: boolean;
  rootCa?: string;
}

async function settings(a: Args, ctx: BuiltinContext): Promise<Settings | undefined> {
  let v: Args = a;
  if (a.secret) {
    const { principal, services } = serverHost(ctx.host);
    const s = await guarded(ctx, () => services.secrets.resolve(principal, a.secret!, "Splunk"), null);
    if (!s) return undefined;
    const str = (k: string) => (typeof s.values[k] === "string" && s.values[k] ? (s.values[k] as string) : undefined);
    // The call may override source, index, hostname_field and hostname; the rest is the secret's.
    v = {
      ...a,
      source: a.source || str("source"),
      index: a.index || str("index"),
      hostname_field: a.hostname_field || str("hostname_field"),
      hostname: a.hostname || str("hostname"),
      url: str("url"),
      token: str("token"),
      root_ca: str("root_ca"),
      skip_verify: s.values.skip_verify === true,
    };
  }
  if (!v.url) {
    ctx.log("ERROR", "splunk_upload: field url is required");
    return undefined;
  }
  if (!v.index) {
    ctx.log("ERROR", "splunk_upload: field index is required");
    return undefined;
  }
  return {
    url: v.url,
    token: v.token ?? "",
    index: v.index,
    source: v.source || "velociraptor",
    sourcetype: v.sourcetype || "vql",
    hostname: v.hostname || osHostname(),
    hostnameField: v.hostname_field || undefined,
    skipVerify: v.skip_verify,
    rootCa: v.root_ca,
  };
}

function takeString(row: OrderedDict, key: string): string | undefined {
  const v = row.get(key);
  if (!row.has(key) || typeof v !== "string") return undefined;
  row.delete(key);
  return v;
}

/** Epoch seconds with milliseconds (Splunk's `time`); 0 when the value is not a time. */
function epochSeconds(v: unknown): number {
  const t = toTimestamp(v);
  if (!t) return 0;
  return Math.floor(t.epochMillis) / 1000;
}

/** One HEC event's JSON, or undefined when the row lacks a field the call names (logged). */
function eventJson(row: OrderedDict, s: Settings, a: Args, ctx: BuiltinContext): string | undefined {
  let host = s.hostname;
  if (s.hostnameField) {
    const h = row.get(s.hostnameField);
    if (typeof h !== "string") {
      ctx.log("ERROR", `splunk_upload: ${s.hostnameField} not found, or isn't a string!`);
      return undefined;
    }
    host = h;
  }
  const source = takeString(row, "_splunk_source") ?? s.source;
  const sourcetype = takeString(row, "_splunk_source_type") ?? s.sourcetype;
  const index = takeString(row, "_splunk_index") ?? s.index;
  let time: number;
  if (a.timestamp_field) {
    if (!row.has(a.timestamp_field)) {
      ctx.log("ERROR", `splunk_upload: ${a.timestamp_field} not found!`);
      return undefined;
    }
    time = epochSeconds(row.get(a.timestamp_field));
  } else time = Math.floor(ctx.now()) / 1000;
  return toJsonText(new OrderedDict([
    ["time", time],
    ["host", host],
    ["source", source],
    ["sourcetype", sourcetype],
    ["index", index],
    ["event", row],
  ]));
}

export const splunkUploadPlugin = definePlugin({
  name: "splunk_upload",
  category: "server",
  doc: "Upload rows to splunk: the rows of `query` as HTTP Event Collector events, POSTed to `url` in batches of `chunk_size` (or after `wait_time` seconds) with the HEC `token`; one row per batch, `Response` being the number of rows sent or the error. Destinations go through the outbound guard (TALON_HTTP_CLIENT_ALLOW).",
  args: ARGS,
  permissions: ["NETWORK"],
  platforms: ["server"],
  sideEffects: true,
  run(a, ctx) {
    let s: Settings | undefined;
    const retries = a.max_retries || 3;
    const waitS = a.retry_wait || 2;
    return uploadBatches(ctx, a.query, {
      size: a.chunk_size || 1000,
      waitMs: (a.wait_time || 2) * 1000,
      threads: a.threads || 1,
      async start() {
        s = await settings(a, ctx);
        return !!s;
      },
      async encode(row) {
        return eventJson(await rowDict(ctx, row), s!, a, ctx);
      },
      async send(batch, signal) {
        const st = s!;
        const body = batch.map((e) => `${e}\n`).join("");
        const headers = { "Content-Type": "application/json", Authorization: `Splunk ${st.token}` };
        let error = "";
        for (let attempt = 0; attempt <= retries; attempt++) {
          let status: number | undefined;
          let failure: unknown;
          try {
            const r = await post({ url: st.url, headers, body, signal, timeoutMs: TIMEOUT_MS, skipVerify: st.skipVerify, rootCa: st.rootCa });
            status = r.status;
            if (r.status >= 200 && r.status <= 299) return [new OrderedDict([["Response", batch.length]])];
            error = `HTTP ${r.status}: ${bodyText(r.body)}`;
          } catch (err) {
            signal.throwIfAborted();
            failure = err;
            error = (err as Error).message;
          }
          error = scrub(error, [st.token]);
          if (!retryable(status, failure) || attempt === retries) break;
          const wait = waitS * 2 ** attempt;
          ctx.log("WARN", `splunk_upload: attempt ${attempt + 1} failed: ${error}, retrying in ${wait}s...`);
          await sleep(wait * 1000, signal);
          signal.throwIfAborted();
        }
        ctx.log("ERROR", `splunk_upload: ${batch.length} rows were not uploaded: ${error}`);
        return [new OrderedDict([["Response", error]])];
      },
    });
  },
});
