// S3's object upload over AWS Signature Version 4 (signed with the aws4 library): the bucket's
// URL (virtual-hosted `bucket.s3.<region>.amazonaws.com`, a custom `endpoint`, or path style),
// one PUT for a file under PART_SIZE, else a multipart upload (initiate, parts, complete; aborted
// on failure) as the AWS SDK's upload manager does. Every request goes through the outbound
// guard. Owns the wire format only; the builtin (s3.ts) owns arguments, secrets and results.
import aws4 from "aws4";
import { XMLParser } from "fast-xml-parser";
import { isIP } from "node:net";
import { guardedFetch, policyFromEnv, type GuardedResponse } from "@/engine/server/net";
import type { SourceFile } from "./source-file";

/** The AWS SDK upload manager's default part size (5 MiB, S3's minimum for all parts but the last). */
export const PART_SIZE = 5 * 1024 * 1024;
const TIMEOUT_MS = 300_000;

export interface S3Target {
  bucket: string;
  key: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  endpoint?: string;
  pathStyle: boolean;
  skipVerify: boolean;
  serverSideEncryption?: string;
  kmsKeyId?: string;
  /** For X-Amz-Date (the query's clock). */
  now: () => number;
}

/** S3's UriEncode: RFC 3986 unreserved characters stay, everything else is %XX; `/` kept in keys. */
export function s3Encode(text: string, keepSlash: boolean): string {
  return [...Buffer.from(text, "utf8")]
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === "/")) return c;
      return `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

/** The object's base URL: protocol, host (with port) and path, no query. */
export function objectUrl(t: Pick<S3Target, "bucket" | "key" | "region" | "endpoint" | "pathStyle">): URL {
  const key = s3Encode(t.key.replace(/^\/+/, ""), true);
  let base: URL;
  if (t.endpoint) base = new URL(/^https?:\/\//i.test(t.endpoint) ? t.endpoint : `https://${t.endpoint}`);
  else base = new URL(t.region === "us-east-1" ? "https://s3.amazonaws.com" : `https://s3.${t.region}.amazonaws.com`);
  const host = base.hostname.replace(/^\[|\]$/g, "");
  // Virtual-hosted style needs a DNS-compatible bucket name and a host name (not an address).
  const dnsBucket = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(t.bucket);
  const pathStyle = t.pathStyle || !dnsBucket || isIP(host) !== 0 || host === "localhost";
  const prefix = base.pathname.replace(/\/+$/, "");
  if (pathStyle) return new URL(`${base.protocol}//${base.host}${prefix}/${s3Encode(t.bucket, false)}/${key}`);
  return new URL(`${base.protocol}//${t.bucket}.${base.host}${prefix}/${key}`);
}

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** The headers (Authorization included) SigV4 gives this request. */
export function signRequest(t: S3Target, method: string, url: URL, headers: Record<string, string>, body: Buffer): Record<string, string> {
  const opts = {
    host: url.host,
    path: url.pathname + url.search,
    method,
    service: "s3",
    region: t.region,
    body,
    headers: { ...headers, "X-Amz-Date": amzDate(t.now()) } as Record<string, string>,
  };
  aws4.sign(opts, { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey, sessionToken: t.sessionToken || undefined });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers)) if (k.toLowerCase() !== "content-length") out[k] = String(v);
  return out;
}

export class S3Error extends Error {}

async function send(t: S3Target, method: string, url: URL, body: Buffer, signal: AbortSignal, extra: Record<string, string> = {}): Promise<GuardedResponse> {
  // aws4 would otherwise sign (and send) a form content type for a part or an empty body.
  const base = { "Content-Type": "application/octet-stream", ...extra };
  const headers = t.accessKeyId && t.secretAccessKey ? signRequest(t, method, url, base, body) : base;
  const r = await guardedFetch({ url, method, headers, body, signal, timeoutMs: TIMEOUT_MS, maxRedirects: 0, maxBytes: 1024 * 1024, policy: policyFromEnv().policy, tls: { skipVerify: t.skipVerify } });
  if (r.status < 200 || r.status > 299) throw new S3Error(`${method} ${url.host}${url.pathname} answered ${r.status}: ${s3ErrorText(r.body)}`);
  return r;
}

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false });

/** S3's XML error as `Code: Message`, or the body's first characters. */
function s3ErrorText(body: Buffer): string {
  const text = body.toString("utf8");
  try {
    const e = xml.parse(text)?.Error;
    if (e?.Code) return `${e.Code}: ${e.Message ?? ""}`.trim();
  } catch {
    // Not XML: fall through to the text.
  }
  return text.trim().slice(0, 300) || "(no body)";
}

function encryptionHeaders(t: S3Target): Record<string, string> {
  const h: Record<string, string> = {};
  if (t.serverSideEncryption) h["x-amz-server-side-encryption"] = t.serverSideEncryption;
  if (t.kmsKeyId) h["x-amz-server-side-encryption-aws-kms-key-id"] = t.kmsKeyId;
  return h;
}

/** Uploads the file; its location (the object's URL) on success, an S3Error or OutboundError otherwise. */
export async function putObject(t: S3Target, file: SourceFile, signal: AbortSignal): Promise<string> {
  const url = objectUrl(t);
  if (file.size < PART_SIZE) {
    const chunks: Buffer[] = [];
    for await (const p of file.parts(PART_SIZE, signal)) chunks.push(p);
    await send(t, "PUT", url, Buffer.concat(chunks), signal, { "Content-Type": "application/octet-stream", ...encryptionHeaders(t) });
    return url.toString();
  }
  const init = await send(t, "POST", withQuery(url, "uploads="), Buffer.alloc(0), signal, { "Content-Type": "application/octet-stream", ...encryptionHeaders(t) });
  const uploadId = String(xml.parse(init.body.toString("utf8"))?.InitiateMultipartUploadResult?.UploadId ?? "");
  if (!uploadId) throw new S3Error("the multipart upload was not initiated (no UploadId in the answer)");
  const upload = `uploadId=${s3Encode(uploadId, false)}`;
  try {
    const etags: string[] = [];
    for await (const part of file.parts(PART_SIZE, signal)) {
      const n = etags.length + 1;
      const r = await send(t, "PUT", withQuery(url, `partNumber=${n}&${upload}`), part, signal);
      etags.push(String(r.headers.etag ?? ""));
    }
    const doc = `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${etags.map((e, i) => `<Part><ETag>${escapeXml(e)}</ETag><PartNumber>${i + 1}</PartNumber></Part>`).join("")}</CompleteMultipartUpload>`;
    const done = await send(t, "POST", withQuery(url, upload), Buffer.from(doc, "utf8"), signal, { "Content-Type": "application/xml" });
    const parsed = xml.parse(done.body.toString("utf8"));
    // A 200 can still carry an error (S3 documents this for CompleteMultipartUpload).
    if (parsed?.Error) throw new S3Error(`completing the multipart upload failed: ${s3ErrorText(done.body)}`);
    return String(parsed?.CompleteMultipartUploadResult?.Location ?? url.toString());
  } catch (err) {
    if (!signal.aborted) await send(t, "DELETE", withQuery(url, upload), Buffer.alloc(0), AbortSignal.timeout(10_000)).catch(() => {});
    throw err;
  }
}

function withQuery(url: URL, query: string): URL {
  return new URL(`${url.origin}${url.pathname}?${query}`);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
