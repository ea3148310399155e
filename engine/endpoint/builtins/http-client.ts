// http_client(): Velociraptor's HTTP plugin, built for the server (engine/server/plugins/
// http-client.ts: managed secrets) and the agent (engine/client/plugins/http-client.ts: Unix
// sockets), through the outbound network guard (engine/net: no loopback, private, link-local or
// metadata destinations unless TALON_HTTP_CLIENT_ALLOW lists them, in the environment of the
// process making the request). Rows are Url, Content, Response and Headers; a failed request is
// one row with Response 500 and the reason as Content, as in Velociraptor, plus a WARN line. A
// URL from a managed secret is shown redacted in rows, logs and errors.
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { arg, definePlugin, fromBytes, OrderedDict, type BuiltinContext, type InferArgs } from "@/engine/vql";
import { allowingHost, guardedOpen, isServerToolDownload, policyFromEnv, type GuardedStream } from "@/engine/net";
import {
  cookieHeader,
  cookiesFromArg,
  encodeParams,
  multipartBody,
  pairsOf,
  secretNameOf,
  storeCookies,
  uploadSpecs,
  withSecret,
  type CookieJar,
  type PlannedRequest,
} from "./http-client-request";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];
const DEFAULT_CHUNK = 4 * 1024 * 1024;
const MAX_FILE_BYTES = 1024 * 1024 * 1024;
const COOKIES = Symbol("http_client cookie jar");
const TEMPFILES = Symbol("http_client temp files");

/** TALON_HTTP_CLIENT_MAX_BYTES (default 16 MiB) and TALON_HTTP_CLIENT_TIMEOUT_SECONDS (default 300). */
function limits() {
  const n = (name: string, dflt: number) => {
    const v = Number(process.env[name]);
    return process.env[name] && Number.isFinite(v) && v > 0 ? v : dflt;
  };
  return { maxBytes: n("TALON_HTTP_CLIENT_MAX_BYTES", 16 * 1024 * 1024), timeoutMs: n("TALON_HTTP_CLIENT_TIMEOUT_SECONDS", 300) * 1000 };
}

/** Temp files of this run, removed when the run ends (its signal aborts). */
function tempDirs(ctx: BuiltinContext): Set<string> {
  return ctx.runShared(TEMPFILES, () => {
    const dirs = new Set<string>();
    const removeAll = () => {
      for (const d of dirs) void rm(d, { recursive: true, force: true }).catch(() => {});
    };
    if (ctx.signal.aborted) queueMicrotask(removeAll);
    else ctx.signal.addEventListener("abort", removeAll, { once: true });
    return dirs;
  });
}

function headersRow(h: GuardedStream["headers"]): OrderedDict {
  return new OrderedDict(Object.entries(h).filter(([, v]) => v !== undefined) as Array<[string, unknown]>);
}

const row = (url: string, content: unknown, status: number, headers: OrderedDict) =>
  new OrderedDict([
    ["Url", url],
    ["Content", content],
    ["Response", status],
    ["Headers", headers],
  ]);

const ARGS = {
  url: arg.list(arg.string()).required().doc("The URL to fetch, or `secret://name`; with several, each is tried in turn until one answers."),
  params: arg.dict().doc("Parameters: the query string for GET and HEAD, a form body otherwise."),
  headers: arg.dict().doc("Request headers."),
  method: arg.string().default("GET").doc("GET, POST, PUT, PATCH, DELETE or HEAD."),
  data: arg.string().doc("A raw request body (sent instead of `params`)."),
  chunk_size: arg.int().min(1).doc("Emit the body as rows of at most this many bytes (default 4 MiB)."),
  disable_ssl_security: arg.bool().default(false).doc("Do not verify the server's certificate (deprecated; use skip_verify)."),
  skip_verify: arg.bool().default(false).doc("Do not verify the server's certificate."),
  tempfile_extension: arg.string().doc("Write the body to a temp file with this extension; Content is its path. The file is removed when the query ends."),
  remove_last: arg.bool().default(false).doc("Accepted for compatibility: temp files are always kept until the query ends."),
  root_ca: arg.string().doc("Extra trusted CA certificates (PEM)."),
  cookie_jar: arg.dict().doc("Cookies to send (`dict(name='value')`); cookies servers set are kept for the rest of the query."),
  user_agent: arg.string().doc("The User-Agent header (default `Talon/<version>`)."),
  secret: arg.string().doc("A managed secret of type `HTTP Secrets` supplying the URL, method, headers and TLS settings."),
  files: arg.list(arg.dict()).doc("Multipart upload: `dict(file='name.txt', key='file', path=..., accessor='data')`; accessor `data` sends `path` itself, any other reads the server's file (needs FILESYSTEM_READ)."),
};

type Args = InferArgs<typeof ARGS>;

export interface HttpClientFlavour {
  category: "server" | "client";
  platforms: Array<"server" | "client">;
  doc: string;
  /** The default User-Agent (`Talon/<version>`). */
  userAgent: string;
  /** A managed `HTTP Secrets` secret's values, or null after logging why (server only). */
  resolveSecret?(ctx: BuiltinContext, name: string): Promise<Readonly<Record<string, unknown>> | null>;
  /** Whether `/path/to.sock:unix/rest` URLs reach a local Unix socket (agent only). */
  unixSockets?: boolean;
  /** Whether tool downloads from the agent's own server pass the policy (engine/net/server-tools.ts; agent only). */
  serverToolDownloads?: boolean;
}

/** `/var/run/docker.sock:unix/info` → the socket and `http://localhost/info` (Velociraptor's form). */
export function unixSocketUrl(url: string): { socketPath: string; url: string } | undefined {
  const m = /^(\/[^:]*):unix(\/.*)?$/.exec(url);
  return m ? { socketPath: m[1]!, url: `http://localhost${m[2] ?? "/"}` } : undefined;
}

export function httpClientPluginFor(o: HttpClientFlavour) {
  return definePlugin({
  name: "http_client",
  category: o.category,
  doc: o.doc,
  args: ARGS,
  permissions: ["NETWORK"],
  platforms: o.platforms,
  sideEffects: true,
  async *run(a, ctx) {
    const method = a.method.toUpperCase();
    if (!METHODS.includes(method)) {
      ctx.log("ERROR", `http_client: invalid HTTP method \`${a.method.slice(0, 20)}\`; expected ${METHODS.join(", ")}`);
      return;
    }
    const files = uploadSpecs(a.files);
    if (files.some((f) => f.accessor !== "data") && ctx.permissions && !ctx.permissions.has("FILESYSTEM_READ")) {
      ctx.log("ERROR", "http_client: uploading a server file needs FILESYSTEM_READ (accessor 'data' sends given content)");
      return;
    }
    const jar = ctx.runShared<CookieJar>(COOKIES, () => new Map());
    const { maxBytes, timeoutMs } = limits();
    for (let i = 0; i < a.url.length; i++) {
      let plan: PlannedRequest = {
        url: a.url[i],
        shownUrl: a.url[i],
        fromSecret: false,
        method,
        params: pairsOf(a.params),
        headers: Object.fromEntries(pairsOf(a.headers)),
        cookies: cookiesFromArg(a.cookie_jar),
        userAgent: a.user_agent,
        skipVerify: a.skip_verify || a.disable_ssl_security,
        rootCa: a.root_ca,
      };
      const secretName = a.secret || secretNameOf(plan.url);
      if (secretName) {
        if (!o.resolveSecret) return void ctx.log("ERROR", "http_client: managed secrets are resolved on the server only (not on an endpoint)");
        const values = await o.resolveSecret(ctx, secretName);
        if (!values) return;
        plan = withSecret(plan, values);
      }
      const last = i === a.url.length - 1;
      const ok = yield* fetchRows(plan, a, files, jar, { maxBytes, timeoutMs, last, userAgent: o.userAgent, unixSockets: o.unixSockets === true, serverToolDownloads: o.serverToolDownloads === true }, ctx);
      if (ok) return;
    }
  },
  });
}

interface RowOptions {
  maxBytes: number;
  timeoutMs: number;
  /** The last URL to try: a failure is its 500 row; before that, a failure moves on. */
  last: boolean;
  userAgent: string;
  unixSockets: boolean;
  serverToolDownloads: boolean;
}

/** One request's rows; false when it failed and another URL should be tried. */
async function* fetchRows(plan: PlannedRequest, a: Args, files: ReturnType<typeof uploadSpecs>, jar: CookieJar, o: RowOptions, ctx: BuiltinContext): AsyncGenerator<OrderedDict, boolean> {
  let stream: GuardedStream | undefined;
  let file: Awaited<ReturnType<typeof open>> | undefined;
  try {
    const unix = o.unixSockets ? unixSocketUrl(plan.url) : undefined;
    const req = await buildRequest(unix ? { ...plan, url: unix.url } : plan, a, files, jar, o.maxBytes, o.userAgent);
    const toolDownload = o.serverToolDownloads && !unix && !plan.fromSecret && isServerToolDownload(plan.url, plan.method);
    const policy = toolDownload ? allowingHost(policyFromEnv().policy, new URL(plan.url).hostname) : policyFromEnv().policy;
    stream = await guardedOpen({
      ...req,
      ...(unix ? { socketPath: unix.socketPath } : {}),
      signal: ctx.signal,
      timeoutMs: o.timeoutMs,
      maxBytes: a.tempfile_extension !== undefined ? MAX_FILE_BYTES : o.maxBytes,
      policy,
      ...(toolDownload ? { maxRedirects: 0 } : {}),
      tls: { skipVerify: plan.skipVerify, ca: plan.rootCa },
    });
    const host = new URL(stream.url).hostname;
    const setCookie = stream.headers["set-cookie"];
    storeCookies(jar, host, Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : undefined, ctx.now());
    const headers = headersRow(stream.headers);
    if (a.tempfile_extension !== undefined) {
      const dir = await mkdtemp(join(tmpdir(), "talon-http-"));
      tempDirs(ctx).add(dir);
      const path = join(dir, `tmp${a.tempfile_extension.replace(/[/\\]/g, "_")}`);
      file = await open(path, "w");
      for await (const chunk of stream.body) await file.write(chunk);
      await file.close();
      file = undefined;
      warnTruncated(stream, plan, MAX_FILE_BYTES, ctx);
      yield row(plan.shownUrl, path, stream.status, headers);
      return true;
    }
    const size = a.chunk_size ?? DEFAULT_CHUNK;
    let pending: Buffer = Buffer.alloc(0);
    let emitted = false;
    for await (const chunk of stream.body) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= size) {
        yield row(plan.shownUrl, fromBytes(pending.subarray(0, size)), stream.status, headers);
        emitted = true;
        pending = pending.subarray(size);
      }
    }
    warnTruncated(stream, plan, o.maxBytes, ctx);
    if (pending.length || !emitted) yield row(plan.shownUrl, fromBytes(pending), stream.status, headers);
    return true;
  } catch (err) {
    ctx.signal.throwIfAborted();
    const reason = (err as Error).message;
    ctx.log("WARN", `http_client: ${reason} (fetching ${plan.shownUrl})`);
    if (!o.last) return false;
    yield row(plan.shownUrl, reason, 500, new OrderedDict());
    return true;
  } finally {
    await file?.close().catch(() => {});
    stream?.close();
  }
}

function warnTruncated(stream: GuardedStream, plan: PlannedRequest, cap: number, ctx: BuiltinContext) {
  if (stream.truncated) ctx.log("WARN", `http_client: the response from ${plan.shownUrl} was cut at ${cap} bytes (TALON_HTTP_CLIENT_MAX_BYTES)`);
}

/** URL, headers and body of the request as planned (params as query string or form, files as multipart). */
async function buildRequest(plan: PlannedRequest, a: Args, files: ReturnType<typeof uploadSpecs>, jar: CookieJar, maxBytes: number, userAgent: string) {
  let url: URL;
  try {
    url = new URL(plan.url);
  } catch {
    throw new Error("the URL is not valid");
  }
  const headers: Record<string, string> = { "User-Agent": plan.userAgent || userAgent, ...plan.headers };
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  const cookie = cookieHeader(jar, url.hostname, plan.cookies);
  if (cookie && !has("cookie")) headers.Cookie = cookie;
  let body: string | Buffer | undefined = a.data;
  if (files.length) {
    const m = await multipartBody(plan.params, files, maxBytes);
    body = m.body;
    headers["Content-Type"] = m.contentType;
  } else if (plan.method === "GET" || plan.method === "HEAD") {
    for (const [k, v] of plan.params) url.searchParams.append(k, v);
  } else if (body === undefined && plan.params.length) {
    body = encodeParams(plan.params);
    if (!has("content-type")) headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  return { url, method: plan.method, headers, body };
}
