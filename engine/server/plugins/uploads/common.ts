// The upload plugins' shared parts: a query row as an OrderedDict (Velociraptor's RowToDict),
// one POST through the outbound guard (TALON_HTTP_CLIENT_ALLOW, the query's signal, a timeout),
// and scrubbing secrets (tokens, passwords, api keys) out of any text a row or log line shows.
import { guardedFetch, isOutboundError, policyFromEnv, type GuardedResponse } from "@/engine/server/net";
import { dictGet, dictKeys, isDictLike, OrderedDict, type BuiltinContext } from "@/engine/vql";

/** The row as an OrderedDict of its columns, materialized (a scalar row is `{_value: row}`). */
export async function rowDict(ctx: BuiltinContext, row: unknown): Promise<OrderedDict> {
  const v = await ctx.materialize(row);
  if (v instanceof OrderedDict) return new OrderedDict(v.keys().map((k) => [k, v.get(k)] as const));
  if (isDictLike(v)) return new OrderedDict(dictKeys(v).map((k) => [k, dictGet(v, k)] as const));
  return new OrderedDict([["_value", v]]);
}

export interface PostOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  timeoutMs: number;
  skipVerify?: boolean;
  rootCa?: string;
}

/** One POST; throws an OutboundError (refused, network, timeout, aborted) when nothing answered. */
export function post(o: PostOptions): Promise<GuardedResponse> {
  return guardedFetch({
    url: o.url,
    method: "POST",
    headers: o.headers,
    body: o.body,
    signal: o.signal,
    timeoutMs: o.timeoutMs,
    maxRedirects: 0,
    policy: policyFromEnv().policy,
    tls: { skipVerify: o.skipVerify, ca: o.rootCa || undefined },
  });
}

/** `text` with every secret (of 4 characters or more) replaced by `…redacted`. */
export function scrub(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("…redacted");
  return out;
}

/** A response body as short text for a log line or row (at most 500 characters). */
export function bodyText(b: Buffer): string {
  const t = b.toString("utf8").trim();
  return t.length > 500 ? `${t.slice(0, 500)}…` : t;
}

/**
 * Whether a failed exchange is worth trying again: no answer (but not a policy refusal or a bad
 * URL, which another try cannot change), 408, 429 or a 5xx other than 501.
 */
export function retryable(status: number | undefined, err?: unknown): boolean {
  if (isOutboundError(err) && (err.code === "refused" || err.code === "bad_url")) return false;
  if (status === undefined) return true;
  return status === 408 || status === 429 || (status >= 500 && status !== 501);
}
