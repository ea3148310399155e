// Guarded outbound HTTP(S): every hop's destination is checked on the address actually
// connected to. The host name is resolved inside the socket's own `lookup`, the answers are
// filtered by the policy and the socket connects only to an answer that passed (no second
// resolution an attacker's DNS could change: no rebinding); the connected socket's remote address
// is checked again. Redirects are followed here (never by a library) with the check repeated per
// hop; connect and total timeouts, a body size cap and the caller's AbortSignal end the exchange.
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { promises as dns, type LookupAddress } from "node:dns";
import type { Socket } from "node:net";
import { parseIp } from "./addresses";
import { OutboundError } from "./errors";
import { nameRefusal, policyFromEnv, refusal, type NetworkPolicy } from "./policy";

export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

export interface GuardedRequest {
  url: string | URL;
  /** GET by default. */
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Uint8Array;
  /** Ends the exchange (and an open body) when it aborts. */
  signal?: AbortSignal;
  /** Resolving and connecting, per hop; default 10 s. */
  connectTimeoutMs?: number;
  /** The whole exchange, redirects and body included; default 60 s. */
  timeoutMs?: number;
  /** Body bytes kept at most; default 16 MiB. More is cut off and `truncated` set. */
  maxBytes?: number;
  /** Redirects followed at most (default 5); 0 returns the 3xx response itself. */
  maxRedirects?: number;
  tls?: { skipVerify?: boolean; ca?: string };
  /** Default: TALON_HTTP_CLIENT_ALLOW as it is when the request starts. */
  policy?: NetworkPolicy;
  /** Default: dns.lookup with all answers (tests inject answers). */
  resolve?: Resolver;
  /**
   * A Unix socket to send the request over (the URL gives the path and the Host header): no
   * address is resolved or judged, since nothing leaves the machine, and no redirect is
   * followed. Only the agent offers this (Velociraptor's `/path/to.sock:unix/...` URLs).
   */
  socketPath?: string;
}

export interface GuardedStream {
  /** The final URL (after redirects). */
  url: string;
  status: number;
  headers: IncomingMessage["headers"];
  /** URLs redirected through, in order (not including the first). */
  redirects: string[];
  /** The body in chunks, at most maxBytes in all; iterate once. */
  body: AsyncIterable<Buffer>;
  /** True once the body was cut off at maxBytes. */
  readonly truncated: boolean;
  /** Releases the connection and timers (safe to call more than once). */
  close(): void;
}

export interface GuardedResponse {
  url: string;
  status: number;
  headers: IncomingMessage["headers"];
  redirects: string[];
  body: Buffer;
  truncated: boolean;
}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];

const defaultResolve: Resolver = (host) => dns.lookup(host, { all: true, verbatim: true });

/** A request's response, its whole body buffered (up to maxBytes). */
export async function guardedFetch(req: GuardedRequest): Promise<GuardedResponse> {
  const s = await guardedOpen(req);
  try {
    const chunks: Buffer[] = [];
    for await (const c of s.body) chunks.push(c);
    return { url: s.url, status: s.status, headers: s.headers, redirects: s.redirects, body: Buffer.concat(chunks), truncated: s.truncated };
  } finally {
    s.close();
  }
}

/** A request's response with its body still to read; the caller must close() it. */
export async function guardedOpen(req: GuardedRequest): Promise<GuardedStream> {
  const policy = req.policy ?? policyFromEnv().policy;
  const maxRedirects = req.socketPath ? 0 : (req.maxRedirects ?? 5);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new OutboundError("timeout", `the request took longer than ${req.timeoutMs ?? 60_000} ms`)), req.timeoutMs ?? 60_000);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
  let url = toUrl(req.url);
  let method = (req.method ?? "GET").toUpperCase();
  let headers = { ...(req.headers ?? {}) };
  let body = req.body;
  const redirects: string[] = [];
  try {
    for (;;) {
      const res = await hop(url, method, headers, body, { ...req, policy, signal });
      const location = res.headers.location;
      if (!REDIRECTS.has(res.statusCode ?? 0) || !location || maxRedirects === 0) {
        return stream(res, url, redirects, req.maxBytes ?? DEFAULT_MAX_BYTES, signal, () => clearTimeout(timer));
      }
      res.destroy();
      if (redirects.length >= maxRedirects) throw new OutboundError("too_many_redirects", `more than ${maxRedirects} redirects (last from ${url.host})`);
      const next = toUrl(location, url);
      if (next.origin !== url.origin) headers = dropHeaders(headers, CREDENTIAL_HEADERS);
      const status = res.statusCode ?? 0;
      if (status === 303 ? method !== "HEAD" : (status === 301 || status === 302) && method === "POST") {
        method = "GET";
        body = undefined;
        headers = dropHeaders(headers, ["content-type", "content-length"]);
      }
      url = next;
      redirects.push(url.toString());
    }
  } catch (err) {
    clearTimeout(timer);
    throw outboundError(err, signal, req.signal);
  }
}

function toUrl(text: string | URL, base?: URL): URL {
  let u: URL;
  try {
    u = new URL(text, base);
  } catch {
    throw new OutboundError("bad_url", "the URL is not valid");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new OutboundError("bad_url", `only http and https URLs are fetched, not ${u.protocol.replace(/:$/, "")}`);
  return u;
}

function dropHeaders(h: Record<string, string | string[]>, names: string[]) {
  return Object.fromEntries(Object.entries(h).filter(([k]) => !names.includes(k.toLowerCase())));
}

interface HopOptions extends GuardedRequest {
  policy: NetworkPolicy;
  signal: AbortSignal;
}

/** One request to one URL: the destination checked, then the response head. */
function hop(url: URL, method: string, headers: Record<string, string | string[]>, body: string | Uint8Array | undefined, o: HopOptions): Promise<IncomingMessage> {
  if (o.socketPath) return unixHop(o.socketPath, url, method, headers, body, o);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const byName = nameRefusal(o.policy, host);
  if (byName) return Promise.reject(new OutboundError("refused", `refused: ${byName}`));
  if (parseIp(host)) {
    // Node connects to an IP literal without calling `lookup`: check it here.
    const why = refusal(o.policy, host, host);
    if (why) return Promise.reject(new OutboundError("refused", `refused: ${why}`));
  }
  const resolve = o.resolve ?? defaultResolve;
  const lookup = (hostname: string, opts: { family?: number | string; all?: boolean }, cb: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    resolve(hostname).then(
      (answers) => {
        const family = opts.family === "IPv4" ? 4 : opts.family === "IPv6" ? 6 : Number(opts.family) || 0;
        const usable = answers.filter((a) => !family || a.family === family);
        const allowed = usable.filter((a) => !refusal(o.policy, hostname, a.address));
        if (!usable.length) return cb(new OutboundError("dns", `${hostname} has no address`), "");
        if (!allowed.length) return cb(new OutboundError("refused", `refused: ${hostname} resolves to ${refusal(o.policy, hostname, usable[0].address)}`), "");
        if (opts.all) cb(null, allowed.map((a) => ({ address: a.address, family: a.family })));
        else cb(null, allowed[0].address, allowed[0].family);
      },
      (err: NodeJS.ErrnoException) => cb(new OutboundError("dns", `cannot resolve ${hostname}: ${err.code ?? err.message}`), ""),
    );
  };
  const lib = url.protocol === "https:" ? https : http;
  return new Promise<IncomingMessage>((resolvePromise, reject) => {
    const r = lib.request(url, {
      method,
      headers: body !== undefined ? { "content-length": String(Buffer.byteLength(body)), ...headers } : headers,
      agent: false,
      lookup: lookup as never,
      signal: o.signal,
      rejectUnauthorized: !o.tls?.skipVerify,
      ...(o.tls?.ca ? { ca: o.tls.ca } : {}),
    });
    const connectTimer = setTimeout(() => r.destroy(new OutboundError("connect_timeout", `could not connect to ${url.host} within ${o.connectTimeoutMs ?? 10_000} ms`)), o.connectTimeoutMs ?? 10_000);
    r.on("socket", (s: Socket) => {
      const check = () => {
        clearTimeout(connectTimer);
        // The address connected to, judged once more (defence in depth over `lookup`).
        const why = s.remoteAddress ? refusal(o.policy, host, s.remoteAddress) : "the connected address is unknown";
        if (why) r.destroy(new OutboundError("refused", `refused: ${why}`));
      };
      if (s.remoteAddress && !s.connecting) check();
      else s.once("connect", check);
    });
    settle(r, connectTimer, resolvePromise, reject);
    r.end(body);
  });
}

/** Resolves with the response head, rejects on the request's error; the connect timer ends either way. */
function settle(r: http.ClientRequest, connectTimer: NodeJS.Timeout, resolve: (res: IncomingMessage) => void, reject: (err: unknown) => void): void {
  r.once("response", (res) => {
    clearTimeout(connectTimer);
    resolve(res);
  });
  r.once("error", (err) => {
    clearTimeout(connectTimer);
    reject(err);
  });
  r.once("close", () => clearTimeout(connectTimer));
}

/** One request over a Unix socket. */
function unixHop(socketPath: string, url: URL, method: string, headers: Record<string, string | string[]>, body: string | Uint8Array | undefined, o: HopOptions): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolvePromise, reject) => {
    const r = http.request({
      socketPath,
      path: `${url.pathname}${url.search}`,
      method,
      headers: { host: url.host, ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}), ...headers },
      agent: false,
      signal: o.signal,
    });
    const connectTimer = setTimeout(() => r.destroy(new OutboundError("connect_timeout", `could not connect to ${socketPath} within ${o.connectTimeoutMs ?? 10_000} ms`)), o.connectTimeoutMs ?? 10_000);
    settle(r, connectTimer, resolvePromise, reject);
    r.end(body);
  });
}

function stream(res: IncomingMessage, url: URL, redirects: string[], maxBytes: number, signal: AbortSignal, done: () => void): GuardedStream {
  let truncated = false;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    done();
    res.destroy();
  };
  async function* body(): AsyncGenerator<Buffer> {
    let total = 0;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        if (total + chunk.length > maxBytes) {
          truncated = true;
          if (maxBytes > total) yield chunk.subarray(0, maxBytes - total);
          return;
        }
        total += chunk.length;
        yield chunk;
      }
    } catch (err) {
      throw outboundError(err, signal, undefined);
    } finally {
      close();
    }
  }
  return {
    url: url.toString(),
    status: res.statusCode ?? 0,
    headers: res.headers,
    redirects,
    body: body(),
    get truncated() {
      return truncated;
    },
    close,
  };
}

/** Any failure as an OutboundError: the timeout's or abort's reason first, then socket errors. */
function outboundError(err: unknown, signal: AbortSignal, callerSignal: AbortSignal | undefined): OutboundError {
  if (err instanceof OutboundError) return err;
  if (signal.aborted) {
    const reason = signal.reason;
    if (reason instanceof OutboundError) return reason;
    if (callerSignal?.aborted || !(reason instanceof OutboundError)) return new OutboundError("aborted", "the request was cancelled");
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.name === "AbortError") return new OutboundError("aborted", "the request was cancelled");
  return new OutboundError("network", e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? err));
}
