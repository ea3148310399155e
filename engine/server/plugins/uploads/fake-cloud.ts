// A stand-in for the clouds upload_s3(), upload_gcs() and adx_upload() talk to, on 127.0.0.1, for
// tests only (cloud.test.ts, the lifecycle test). Each service checks its credentials from first
// principles and keeps what it was sent: S3 verifies AWS Signature V4 (its own implementation
// of the published algorithm, independent of the aws4 library the product signs with) and stores
// objects, multipart too; GCS verifies the JWT-bearer assertion's RS256 signature with the
// service account's public key and stores media and resumable uploads; ADX serves cloud info,
// an AAD token endpoint, the management commands, a blob container and a queue. `stall` makes
// every service never answer (abort tests).
import { createHash, createHmac, createVerify, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export interface FakeCloudOptions {
  s3: { accessKeyId: string; secretAccessKey: string };
  gcs: { publicKey: KeyObject; clientEmail: string };
  adx: { clientId: string; clientSecret: string; tenantId: string };
}

/** HMAC-SHA256 (the SigV4 building block). */
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** RFC 3986 encoding as SigV4 specifies it (unreserved characters kept). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The SigV4 signature of a request, computed from the algorithm's specification: canonical
 * request, string to sign, the derived signing key. `path` is the URI as sent (S3 does not
 * normalise it), `query` the raw query string.
 */
export function sigV4(p: { method: string; path: string; query: string; headers: Record<string, string>; signedHeaders: string[]; payloadHash: string; amzDate: string; region: string; service: string; secret: string }): string {
  const pairs = p.query
    ? p.query.split("&").map((kv) => {
        const i = kv.indexOf("=");
        const k = decodeURIComponent(i < 0 ? kv : kv.slice(0, i));
        const v = i < 0 ? "" : decodeURIComponent(kv.slice(i + 1).replace(/\+/g, "%20"));
        return [uriEncode(k), uriEncode(v)] as const;
      })
    : [];
  pairs.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
  const canonicalHeaders = p.signedHeaders.map((h) => `${h}:${(p.headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const canonical = [p.method, p.path, pairs.map(([k, v]) => `${k}=${v}`).join("&"), canonicalHeaders, p.signedHeaders.join(";"), p.payloadHash].join("\n");
  const date = p.amzDate.slice(0, 8);
  const scope = `${date}/${p.region}/${p.service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", p.amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${p.secret}`, date), p.region), p.service), "aws4_request");
  return createHmac("sha256", key).update(toSign, "utf8").digest("hex");
}

export class FakeCloud {
  readonly seen: Seen[] = [];
  readonly objects = new Map<string, Buffer>();
  /** ADX: the JSON lines of each queued blob, and the ingestion messages. */
  readonly ingested: Array<{ message: Record<string, unknown>; lines: Array<Record<string, unknown>> }> = [];
  stall = false;
  /** Answer the next requests matching `path` with this status (a failure injection). */
  fail: { match: RegExp; status: number; body: string } | null = null;
  base = "";
  private server: Server;
  private uploads = new Map<string, Buffer[]>();
  private sessions = new Map<string, { name: string; parts: Buffer[] }>();
  private blobs = new Map<string, Buffer>();
  private nextId = 0;

  constructor(private readonly o: FakeCloudOptions) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const seen = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
        this.seen.push(seen);
        if (this.stall) return;
        if (this.fail && this.fail.match.test(seen.url)) return void res.writeHead(this.fail.status, { "content-type": "application/json" }).end(this.fail.body);
        try {
          this.route(seen, res);
        } catch (err) {
          res.writeHead(500).end(String((err as Error).message));
        }
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private route(q: Seen, res: ServerResponse) {
    const u = new URL(q.url, this.base);
    if (u.pathname.startsWith("/s3/")) return this.s3(q, u, res);
    if (u.pathname === "/gcs/token") return this.gcsToken(q, res);
    if (u.pathname.startsWith("/upload/storage/v1/") || u.pathname.startsWith("/gcs/session/")) return this.gcsUpload(q, u, res);
    if (u.pathname.startsWith("/adx/") || u.pathname.startsWith("/aad/") || u.pathname.startsWith("/blob/") || u.pathname.startsWith("/queue/")) return this.adx(q, u, res);
    res.writeHead(404).end();
  }

  // --- S3 ---------------------------------------------------------------------------------

  private s3(q: Seen, u: URL, res: ServerResponse) {
    const denied = this.checkSigV4(q, u);
    if (denied) return void res.writeHead(403, { "content-type": "application/xml" }).end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>${denied}</Message></Error>`);
    // Path style: /s3/<bucket>/<key>.
    const key = decodeURIComponent(u.pathname.slice("/s3/".length));
    const p = u.searchParams;
    if (q.method === "POST" && p.has("uploads")) {
      const id = `upload-${++this.nextId}`;
      this.uploads.set(id, []);
      return void res.writeHead(200).end(`<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
    }
    if (q.method === "PUT" && p.has("partNumber")) {
      const parts = this.uploads.get(p.get("uploadId")!);
      if (!parts) return void res.writeHead(404).end("<Error><Code>NoSuchUpload</Code><Message>no such upload</Message></Error>");
      parts[Number(p.get("partNumber")) - 1] = q.body;
      return void res.writeHead(200, { etag: `"${createHash("md5").update(q.body).digest("hex")}"` }).end();
    }
    if (q.method === "POST" && p.has("uploadId")) {
      const parts = this.uploads.get(p.get("uploadId")!)!;
      const listed = [...q.body.toString("utf8").matchAll(/<ETag>&quot;([0-9a-f]+)&quot;<\/ETag><PartNumber>(\d+)<\/PartNumber>/g)];
      if (listed.length !== parts.length || listed.some(([, tag, n]) => createHash("md5").update(parts[Number(n) - 1]!).digest("hex") !== tag)) return void res.writeHead(400).end("<Error><Code>InvalidPart</Code><Message>parts do not match</Message></Error>");
      this.objects.set(key, Buffer.concat(parts));
      this.uploads.delete(p.get("uploadId")!);
      return void res.writeHead(200).end(`<CompleteMultipartUploadResult><Location>${this.base}/s3/${key}</Location><Key>${key}</Key></CompleteMultipartUploadResult>`);
    }
    if (q.method === "DELETE" && p.has("uploadId")) {
      this.uploads.delete(p.get("uploadId")!);
      return void res.writeHead(204).end();
    }
    if (q.method === "PUT") {
      this.objects.set(key, q.body);
      return void res.writeHead(200, { etag: `"${createHash("md5").update(q.body).digest("hex")}"` }).end();
    }
    res.writeHead(405).end();
  }

  /** Why the request's SigV4 signature is not right, or undefined when it is. */
  private checkSigV4(q: Seen, u: URL): string | undefined {
    const auth = String(q.headers.authorization ?? "");
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return "no SigV4 Authorization header";
    const [, keyId, , region, signed, signature] = m;
    if (keyId !== this.o.s3.accessKeyId) return "unknown access key";
    const payloadHash = String(q.headers["x-amz-content-sha256"] ?? "");
    if (payloadHash !== sha256(q.body)) return "x-amz-content-sha256 is not the body's hash";
    const names = signed!.split(";");
    if (!names.includes("host") || !names.includes("x-amz-date")) return "host and x-amz-date must be signed";
    const headers = Object.fromEntries(names.map((n) => [n, String(q.headers[n] ?? "")]));
    const path = q.url.split("?")[0]!;
    const expected = sigV4({ method: q.method, path, query: u.search.slice(1), headers, signedHeaders: names, payloadHash, amzDate: String(q.headers["x-amz-date"]), region: region!, service: "s3", secret: this.o.s3.secretAccessKey });
    return expected === signature ? undefined : "The request signature we calculated does not match the signature you provided";
  }

  // --- GCS --------------------------------------------------------------------------------

  private gcsToken(q: Seen, res: ServerResponse) {
    const form = new URLSearchParams(q.body.toString("utf8"));
    const bad = (why: string) => void res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "invalid_grant", error_description: why }));
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") return bad("wrong grant_type");
    const [h, c, s] = (form.get("assertion") ?? "").split(".");
    if (!h || !c || !s) return bad("not a JWT");
    const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    const claims = JSON.parse(Buffer.from(c, "base64url").toString("utf8"));
    if (header.alg !== "RS256") return bad("alg must be RS256");
    if (!createVerify("RSA-SHA256").update(`${h}.${c}`).verify(this.o.gcs.publicKey, Buffer.from(s, "base64url"))) return bad("Invalid JWT Signature.");
    if (claims.iss !== this.o.gcs.clientEmail || claims.aud !== `${this.base}/gcs/token` || claims.exp - claims.iat !== 3600) return bad("bad claims");
    if (!String(claims.scope).split(" ").includes("https://www.googleapis.com/auth/devstorage.read_write")) return bad("scope");
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: "ya29.fake-gcs-access-token", expires_in: 3599, token_type: "Bearer" }));
  }

  private gcsUpload(q: Seen, u: URL, res: ServerResponse) {
    if (q.headers.authorization !== "Bearer ya29.fake-gcs-access-token") return void res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"code":401,"message":"Invalid Credentials"}}');
    const stored = (name: string, body: Buffer) => {
      this.objects.set(name, body);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ kind: "storage#object", name, bucket: u.pathname.split("/")[5], size: String(body.length), md5Hash: createHash("md5").update(body).digest("base64") }));
    };
    if (u.pathname.startsWith("/gcs/session/")) {
      const s = this.sessions.get(u.pathname)!;
      s.parts.push(q.body);
      const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(q.headers["content-range"]));
      if (!m) return void res.writeHead(400).end("bad range");
      if (Number(m[2]) + 1 < Number(m[3])) return void res.writeHead(308, { range: `bytes=0-${m[2]}` }).end();
      return stored(s.name, Buffer.concat(s.parts));
    }
    const name = u.searchParams.get("name")!;
    if (u.searchParams.get("uploadType") === "media") return stored(name, q.body);
    if (u.searchParams.get("uploadType") === "resumable") {
      const path = `/gcs/session/${++this.nextId}`;
      this.sessions.set(path, { name, parts: [] });
      return void res.writeHead(200, { location: `${this.base}${path}` }).end();
    }
    res.writeHead(400).end();
  }

  // --- ADX --------------------------------------------------------------------------------

  private adx(q: Seen, u: URL, res: ServerResponse) {
    const jsonReply = (status: number, v: unknown) => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(v));
    if (u.pathname === "/adx/v1/rest/auth/metadata") return jsonReply(200, { AzureAD: { LoginEndpoint: `${this.base}/aad`, LoginMfaRequired: false, KustoClientAppId: "db662dc1-0cfe-4e1c-a843-19a68e65be58", KustoServiceResourceId: "https://kusto.kusto.windows.net" } });
    if (u.pathname === `/aad/${this.o.adx.tenantId}/oauth2/v2.0/token`) {
      const f = new URLSearchParams(q.body.toString("utf8"));
      if (f.get("grant_type") !== "client_credentials" || f.get("client_id") !== this.o.adx.clientId || f.get("client_secret") !== this.o.adx.clientSecret || f.get("scope") !== "https://kusto.kusto.windows.net/.default") return jsonReply(401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
      return jsonReply(200, { token_type: "Bearer", expires_in: 3599, access_token: "eyJ.fake-adx-token" });
    }
    if (u.pathname === "/adx/v1/rest/mgmt") {
      if (q.headers.authorization !== "Bearer eyJ.fake-adx-token") return jsonReply(401, { error: { code: "Unauthorized" } });
      const csl = JSON.parse(q.body.toString("utf8")).csl;
      const table = (cols: string[], rows: unknown[][]) => ({ Tables: [{ TableName: "Table_0", Columns: cols.map((c) => ({ ColumnName: c, DataType: "String", ColumnType: "string" })), Rows: rows }] });
      if (csl === ".get ingestion resources")
        return jsonReply(200, table(["ResourceTypeName", "StorageRoot"], [
          ["SecuredReadyForAggregationQueue", `${this.base}/queue/readyforaggregation-secured?sv=2018&sig=QUEUE-SAS-SIG`],
          ["FailedIngestionsQueue", `${this.base}/queue/failedingestions?sv=2018&sig=QUEUE-SAS-SIG`],
          ["TempStorage", `${this.base}/blob/20250101-ingestdata?sv=2018&sig=BLOB-SAS-SIG`],
        ]));
      if (csl === ".get kusto identity token") return jsonReply(200, table(["AuthorizationContext"], [["fake-authorization-context"]]));
      return jsonReply(400, { error: { message: `unknown command ${csl}` } });
    }
    if (u.pathname.startsWith("/blob/") && q.method === "PUT") {
      if (u.searchParams.get("sig") !== "BLOB-SAS-SIG" || q.headers["x-ms-blob-type"] !== "BlockBlob") return void res.writeHead(403).end();
      this.blobs.set(u.pathname, q.body);
      return void res.writeHead(201).end();
    }
    if (u.pathname.startsWith("/queue/") && u.pathname.endsWith("/messages") && q.method === "POST") {
      if (u.searchParams.get("sig") !== "QUEUE-SAS-SIG") return void res.writeHead(403).end();
      const text = /<MessageText>([^<]+)<\/MessageText>/.exec(q.body.toString("utf8"))?.[1] ?? "";
      const message = JSON.parse(Buffer.from(text, "base64").toString("utf8"));
      const blob = new URL(message.BlobPath);
      const data = gunzipSync(this.blobs.get(blob.pathname)!).toString("utf8");
      this.ingested.push({ message, lines: data.trim().split("\n").map((l) => JSON.parse(l)) });
      return void res.writeHead(201).end("<QueueMessagesList><QueueMessage><MessageId>1</MessageId></QueueMessage></QueueMessagesList>");
    }
    res.writeHead(404).end();
  }
}
