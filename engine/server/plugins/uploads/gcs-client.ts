// Google Cloud Storage's upload with a service account: the OAuth 2.0 JWT-bearer grant (RFC 7523;
// an RS256 JWT signed with node:crypto, posted to the key's token_uri) and the JSON API's object
// upload (one `uploadType=media` POST under RESUMABLE_FROM, a resumable session in 8 MiB chunks
// above). STORAGE_EMULATOR_HOST, which Google's client libraries honour, points the API at an
// emulator (http://host:port). Every request goes through the outbound guard.
import { createHash, createSign } from "node:crypto";
import { guardedFetch, policyFromEnv, type GuardedResponse } from "@/engine/server/net";
import type { SourceFile } from "./source-file";

export const READ_WRITE_SCOPE = "https://www.googleapis.com/auth/devstorage.read_write";
export const RESUMABLE_FROM = 16 * 1024 * 1024;
/** Resumable chunks must be multiples of 256 KiB. */
const CHUNK = 8 * 1024 * 1024;
const TIMEOUT_MS = 300_000;

export interface ServiceAccount {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri: string;
}

/** The service-account key from its JSON text, or an Error naming what is missing (never a value). */
export function parseServiceAccount(text: string): ServiceAccount {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error("credentials are not a service account key (not JSON)");
  }
  const o = (v ?? {}) as Record<string, unknown>;
  if (o.type !== undefined && o.type !== "service_account") throw new Error(`credentials of type ${String(o.type).slice(0, 40)} are not supported (a service_account key is needed)`);
  for (const k of ["client_email", "private_key"]) if (typeof o[k] !== "string" || !o[k]) throw new Error(`the service account key has no ${k}`);
  return {
    client_email: o.client_email as string,
    private_key: o.private_key as string,
    private_key_id: typeof o.private_key_id === "string" ? o.private_key_id : undefined,
    token_uri: typeof o.token_uri === "string" && o.token_uri ? o.token_uri : "https://oauth2.googleapis.com/token",
  };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** The signed assertion: {alg RS256, typ JWT, kid} . {iss, scope, aud, iat, exp (+1 h)}. */
export function jwtAssertion(sa: ServiceAccount, nowMs: number, scope = READ_WRITE_SCOPE): string {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: "RS256", typ: "JWT", ...(sa.private_key_id ? { kid: sa.private_key_id } : {}) };
  const claims = { iss: sa.client_email, scope, aud: sa.token_uri, iat, exp: iat + 3600 };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = createSign("RSA-SHA256").update(input).sign(sa.private_key);
  return `${input}.${b64url(signature)}`;
}

async function exchange(url: string, init: { method: string; headers: Record<string, string>; body: Buffer | string }, signal: AbortSignal): Promise<GuardedResponse> {
  return guardedFetch({ url, ...init, signal, timeoutMs: TIMEOUT_MS, maxRedirects: 0, maxBytes: 1024 * 1024, policy: policyFromEnv().policy });
}

const short = (b: Buffer) => b.toString("utf8").trim().slice(0, 300) || "(no body)";

/** An access token for the service account (the token endpoint's `access_token`). */
export async function accessToken(sa: ServiceAccount, nowMs: number, signal: AbortSignal): Promise<string> {
  const body = new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: jwtAssertion(sa, nowMs) }).toString();
  const r = await exchange(sa.token_uri, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body }, signal);
  let reply: Record<string, unknown> = {};
  try {
    reply = JSON.parse(r.body.toString("utf8"));
  } catch {
    // Reported below.
  }
  if (r.status !== 200 || typeof reply.access_token !== "string") {
    const why = typeof reply.error === "string" ? `${reply.error}${typeof reply.error_description === "string" ? `: ${reply.error_description}` : ""}` : short(r.body);
    throw new Error(`the token endpoint answered ${r.status}: ${why}`);
  }
  return reply.access_token;
}

/** The JSON API's base: storage.googleapis.com, or STORAGE_EMULATOR_HOST's. */
export function apiBase(): string {
  const emu = process.env.STORAGE_EMULATOR_HOST?.trim();
  if (!emu) return "https://storage.googleapis.com";
  return (/^https?:\/\//.test(emu) ? emu : `http://${emu}`).replace(/\/+$/, "");
}

export interface StoredObject {
  /** The object resource GCS answered with (md5Hash, size, ...), or {} when it sent none. */
  resource: Record<string, unknown>;
  size: number;
  sha256: string;
  md5: string;
}

/** Uploads the file as `name` in `bucket`; the stored object and the hashes of what was sent. */
export async function uploadObject(token: string, bucket: string, name: string, file: SourceFile, signal: AbortSignal): Promise<StoredObject> {
  const sha = createHash("sha256");
  const md5 = createHash("md5");
  const auth = { Authorization: `Bearer ${token}` };
  const target = `${apiBase()}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?name=${encodeURIComponent(name)}`;
  let last: GuardedResponse;
  if (file.size < RESUMABLE_FROM) {
    const parts: Buffer[] = [];
    for await (const p of file.parts(CHUNK, signal)) parts.push(p);
    const body = Buffer.concat(parts);
    sha.update(body);
    md5.update(body);
    last = await exchange(`${target}&uploadType=media`, { method: "POST", headers: { ...auth, "Content-Type": "application/octet-stream" }, body }, signal);
    if (last.status < 200 || last.status > 299) throw new Error(`the upload was answered ${last.status}: ${short(last.body)}`);
  } else {
    const start = await exchange(`${target}&uploadType=resumable`, { method: "POST", headers: { ...auth, "Content-Type": "application/json", "X-Upload-Content-Type": "application/octet-stream", "X-Upload-Content-Length": String(file.size) }, body: JSON.stringify({ name }) }, signal);
    const session = start.headers.location;
    if (start.status !== 200 || typeof session !== "string") throw new Error(`starting the resumable upload was answered ${start.status}: ${short(start.body)}`);
    let offset = 0;
    last = start;
    for await (const chunk of file.parts(CHUNK, signal)) {
      sha.update(chunk);
      md5.update(chunk);
      const end = offset + chunk.length - 1;
      last = await exchange(session, { method: "PUT", headers: { ...auth, "Content-Range": `bytes ${offset}-${end}/${file.size}` }, body: chunk }, signal);
      offset += chunk.length;
      const done = offset >= file.size;
      if (done ? last.status < 200 || last.status > 299 : last.status !== 308) throw new Error(`a chunk of the upload was answered ${last.status}: ${short(last.body)}`);
    }
  }
  let resource: Record<string, unknown> = {};
  try {
    resource = JSON.parse(last.body.toString("utf8"));
  } catch {
    // An answer without the object resource: nothing to compare.
  }
  return { resource, size: file.size, sha256: sha.digest("hex"), md5: md5.digest("hex") };
}
