// The parts of an http_client() request that are not the transfer: the query string or form
// body from `params`, the headers, the query's cookie jar, the multipart body from `files`, and
// the merge of an "HTTP Secrets" secret into the call (its URL hidden from everything shown).
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { isDictLike, OrderedDict, toVqlString, Bytes, bytesOf } from "@/engine/vql";
import { redactUrl } from "@/engine/net";

/** A dict argument as [key, value] pairs (NULL values dropped; lists repeat the key). */
export function pairsOf(d: OrderedDict | undefined): Array<[string, string]> {
  if (!d) return [];
  const out: Array<[string, string]> = [];
  for (const k of d.keys()) {
    const v = d.get(k);
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.push([k, toVqlString(x)]);
    else out.push([k, toVqlString(v)]);
  }
  return out;
}

export function encodeParams(pairs: Array<[string, string]>): string {
  return new URLSearchParams(pairs).toString();
}

/** What http_client() will request, after a secret (if any) was merged in. */
export interface PlannedRequest {
  url: string;
  /** The URL as rows, logs and errors show it (redacted when it came from a secret). */
  shownUrl: string;
  fromSecret: boolean;
  method: string;
  params: Array<[string, string]>;
  headers: Record<string, string>;
  cookies: Array<[string, string]>;
  userAgent?: string;
  skipVerify: boolean;
  rootCa?: string;
}

/** `secret://name/...`: the secret's name, case kept (URL parsing would lower-case it). */
export function secretNameOf(url: string): string | undefined {
  const m = /^secret:\/\/([^/?#]+)/i.exec(url);
  return m ? decodeURIComponent(m[1]) : undefined;
}

function dictValue(v: unknown): Array<[string, string]> {
  if (!v || typeof v !== "object" || Array.isArray(v)) return [];
  return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]);
}

/** Merges an HTTP Secrets secret into the request: its values win over the call's. */
export function withSecret(p: PlannedRequest, values: Readonly<Record<string, unknown>>): PlannedRequest {
  const str = (k: string) => (typeof values[k] === "string" && values[k] !== "" ? (values[k] as string) : undefined);
  const url = str("url") ?? p.url;
  const params = [...p.params.filter(([k]) => !dictValue(values.extra_params).some(([s]) => s === k)), ...dictValue(values.extra_params)];
  const headers = { ...p.headers, ...Object.fromEntries(dictValue(values.extra_headers)) };
  const cookies = [...p.cookies, ...dictValue(values.cookies)];
  return {
    ...p,
    url,
    shownUrl: redactUrl(url),
    fromSecret: true,
    method: (str("method") ?? p.method).toUpperCase(),
    params,
    headers,
    cookies,
    userAgent: str("user_agent") ?? p.userAgent,
    rootCa: str("root_ca") ?? p.rootCa,
    skipVerify: values.skip_verify === true || p.skipVerify,
  };
}

/** The query's cookies per host, kept across http_client() calls of one run. */
export type CookieJar = Map<string, Map<string, string>>;

/** A cookie_jar argument: `dict(name='value')` or Velociraptor-style `dict(name=dict(Value='v'))`. */
export function cookiesFromArg(d: OrderedDict | undefined): Array<[string, string]> {
  if (!d) return [];
  return d.keys().flatMap((k): Array<[string, string]> => {
    const v = d.get(k);
    if (isDictLike(v)) {
      const inner = v as OrderedDict;
      const value = inner.get("Value") ?? inner.get("value");
      return value === undefined || value === null ? [] : [[String(inner.get("Name") ?? inner.get("name") ?? k), toVqlString(value)]];
    }
    return v === null || v === undefined ? [] : [[k, toVqlString(v)]];
  });
}

export function cookieHeader(jar: CookieJar, host: string, extra: Array<[string, string]>): string | undefined {
  const all = new Map(jar.get(host.toLowerCase()) ?? []);
  for (const [k, v] of extra) all.set(k, v);
  return all.size ? [...all].map(([k, v]) => `${k}=${v}`).join("; ") : undefined;
}

/** Stores a response's Set-Cookie values for `host` (an expired or Max-Age=0 cookie is removed). */
export function storeCookies(jar: CookieJar, host: string, setCookie: string[] | undefined, now: number): void {
  if (!setCookie?.length) return;
  const h = host.toLowerCase();
  const cookies = jar.get(h) ?? new Map<string, string>();
  for (const line of setCookie) {
    const [pair, ...attrs] = line.split(";");
    const i = pair.indexOf("=");
    if (i <= 0) continue;
    const name = pair.slice(0, i).trim();
    const gone = attrs.some((a) => {
      const [k, v = ""] = a.split("=").map((x) => x.trim());
      return (k.toLowerCase() === "max-age" && Number(v) <= 0) || (k.toLowerCase() === "expires" && Date.parse(v) <= now);
    });
    if (gone) cookies.delete(name);
    else cookies.set(name, pair.slice(i + 1).trim());
  }
  jar.set(h, cookies);
}

export interface UploadSpec {
  /** The file name sent. */
  file: string;
  /** The form field name (default `file`). */
  key: string;
  /** With accessor `data`: the content itself; otherwise a path on the server. */
  path: unknown;
  accessor: string;
}

export function uploadSpecs(files: OrderedDict[] | undefined): UploadSpec[] {
  return (files ?? []).map((f) => ({
    file: toVqlString(f.get("file") ?? f.get("path") ?? "file"),
    key: toVqlString(f.get("key") ?? "file"),
    path: f.get("path"),
    accessor: toVqlString(f.get("accessor") ?? "auto"),
  }));
}

const quoted = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/[\r\n]/g, " ");

/** A multipart/form-data body: the params as fields, then each file. Local files need FILESYSTEM_READ (checked by the caller). */
export async function multipartBody(params: Array<[string, string]>, files: UploadSpec[], maxBytes: number): Promise<{ body: Buffer; contentType: string }> {
  const boundary = `talon-${randomBytes(12).toString("hex")}`;
  const parts: Buffer[] = [];
  for (const [k, v] of params) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(k)}"\r\n\r\n${v}\r\n`));
  let total = 0;
  for (const f of files) {
    const content = f.accessor === "data" ? Buffer.from(f.path instanceof Bytes || typeof f.path === "string" ? bytesOf(f.path) : bytesOf(toVqlString(f.path))) : await readFile(toVqlString(f.path));
    total += content.length;
    if (total > maxBytes) throw new Error(`the files to upload are larger than ${maxBytes} bytes`);
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(f.key)}"; filename="${quoted(f.file)}"\r\nContent-Type: application/octet-stream\r\n\r\n`), content, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
