// upload_s3(), upload_gcs() and adx_upload() against the fake cloud on 127.0.0.1 (fake-cloud.ts,
// allowed through TALON_HTTP_CLIENT_ALLOW where a test needs it). Expected values come from the
// services' published protocols: AWS Signature V4 (AWS's test-suite vectors and S3's documented
// example; the fake verifies every request with its own implementation), the OAuth 2.0
// JWT-bearer grant (the fake verifies the RS256 signature with the key pair made here), GCS's
// JSON API, and Kusto's queued ingestion (blob + queue message). Also results, errors in rows and
// logs, credentials kept out of both, the outbound guard, and aborts mid-upload.
import aws4 from "aws4";
import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "@/engine/vql";
import { permissionsOf } from "@/engine/server/auth/roles";
import type { Principal, VqlServices } from "@/engine/server/contracts";
import { serverBuiltins } from "..";
import { serverEndpointSystem } from "../endpoint";
import { FakeCloud, sigV4 } from "./fake-cloud";
import { ingestEndpoint } from "./kusto-client";
import { objectUrl, PART_SIZE } from "./s3-client";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const as = (role: string): Principal => ({ userId: role, username: role, role, permissions: permissionsOf(role), via: "session" });
const admin = as("administrator");

const KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PRIVATE_PEM = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const ADX = { clientId: "11111111-2222-3333-4444-555555555555", clientSecret: "adx-client-secret-value-42", tenantId: "contoso-tenant" };

let cloud: FakeCloud;
const dir = mkdtempSync(join(tmpdir(), "talon-cloud-"));
let gcsKey = "";

beforeAll(async () => {
  cloud = await new FakeCloud({ s3: { accessKeyId: KEY_ID, secretAccessKey: SECRET_KEY }, gcs: { publicKey: keys.publicKey, clientEmail: "uploader@proj.iam.gserviceaccount.com" }, adx: ADX }).start();
  gcsKey = JSON.stringify({ type: "service_account", project_id: "proj", private_key_id: "kid-1", private_key: PRIVATE_PEM, client_email: "uploader@proj.iam.gserviceaccount.com", token_uri: `${cloud.base}/gcs/token` });
});
afterAll(async () => {
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.TALON_HTTP_CLIENT_ALLOW;
  delete process.env.STORAGE_EMULATOR_HOST;
  cloud.seen.length = 0;
  cloud.objects.clear();
  cloud.ingested.length = 0;
  cloud.stall = false;
  cloud.fail = null;
});
const allow = () => (process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1");

const SECRETS: Record<string, { type: string; values: () => Record<string, unknown> }> = {
  s3: { type: "AWS S3 Creds", values: () => ({ region: "eu-west-2", credentials_key: KEY_ID, credentials_secret: SECRET_KEY, endpoint: `${cloud.base}/s3`, path_style: true }) },
  adx: { type: "ADX Creds", values: () => ({ cluster_url: `${cloud.base}/adx`, database: "velo", client_id: ADX.clientId, client_secret: ADX.clientSecret, tenant_id: ADX.tenantId }) },
};
let localFile = "";
const services = {
  secrets: {
    async resolve(_p: Principal, name: string, type: string) {
      const s = SECRETS[name];
      if (!s || s.type !== type) throw new Error(`no ${type} secret named ${name}`);
      return { name, type, values: s.values() };
    },
  },
  fileStore: { localPath: async (_p: Principal, path: string) => (path === "/downloads/C.1/F.1/F.1.zip" ? localFile : Promise.reject(new Error(`no file ${path} in the file store`))) },
} as unknown as VqlServices;
const system = serverEndpointSystem({});

async function vql(text: string, opts: { signal?: AbortSignal; env?: Record<string, unknown> } = {}) {
  const rows: Array<Record<string, unknown>> = [];
  const logs: string[] = [];
  for await (const e of runVql(text, { registry, env: { GCSKey: gcsKey, ...opts.env }, host: { principal: admin, services, system }, permissions: admin.permissions, signal: opts.signal })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

const md5 = (b: Buffer | string) => createHash("md5").update(b).digest("hex");
const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

describe("AWS Signature V4", () => {
  const vector = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
  // AWS's SigV4 test suite (aws-sig-v4-test-suite): example.amazonaws.com, us-east-1, service "service", 20150830T123600Z.
  const SUITE: Array<[string, string, string]> = [
    ["get-vanilla", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"],
    ["get-vanilla-query-order-key-case", "/?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"],
    ["get-unreserved", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"],
  ];

  it("the aws4 library signs AWS's published test-suite requests to their published signatures", () => {
    for (const [, path, signature] of SUITE) {
      const o = { host: "example.amazonaws.com", path, method: "GET", service: "service", region: "us-east-1", headers: { "X-Amz-Date": "20150830T123600Z" } };
      aws4.sign(o, vector);
      expect((o.headers as Record<string, string>).Authorization).toBe(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`);
    }
    const post = { host: "example.amazonaws.com", path: "/", method: "POST", service: "service", region: "us-east-1", headers: { "X-Amz-Date": "20150830T123600Z" } };
    aws4.sign(post, vector);
    expect((post.headers as Record<string, string>).Authorization).toMatch(/Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b$/);
  });

  it("the fake's verifier computes the published signatures (test suite, and S3's GET Object example)", () => {
    const [, , vanilla] = SUITE[0]!;
    expect(sigV4({ method: "GET", path: "/", query: "", headers: { host: "example.amazonaws.com", "x-amz-date": "20150830T123600Z" }, signedHeaders: ["host", "x-amz-date"], payloadHash: EMPTY_SHA256, amzDate: "20150830T123600Z", region: "us-east-1", service: "service", secret: vector.secretAccessKey })).toBe(vanilla);
    expect(sigV4({ method: "GET", path: "/", query: "Param2=value2&Param1=value1", headers: { host: "example.amazonaws.com", "x-amz-date": "20150830T123600Z" }, signedHeaders: ["host", "x-amz-date"], payloadHash: EMPTY_SHA256, amzDate: "20150830T123600Z", region: "us-east-1", service: "service", secret: vector.secretAccessKey })).toBe(SUITE[1]![2]);
    // docs.aws.amazon.com AmazonS3 sig-v4-header-based-auth: GET /test.txt with Range: bytes=0-9.
    const headers = { host: "examplebucket.s3.amazonaws.com", range: "bytes=0-9", "x-amz-content-sha256": EMPTY_SHA256, "x-amz-date": "20130524T000000Z" };
    expect(sigV4({ method: "GET", path: "/test.txt", query: "", headers, signedHeaders: Object.keys(headers), payloadHash: EMPTY_SHA256, amzDate: "20130524T000000Z", region: "us-east-1", service: "s3", secret: SECRET_KEY })).toBe("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  });

  it("addresses buckets as the AWS SDK does: virtual-hosted on AWS and on named endpoints, path style when asked or on an address", () => {
    const t = { bucket: "my-bucket", key: "Host a b/F.1.zip", region: "eu-west-2", pathStyle: false };
    expect(objectUrl(t).toString()).toBe("https://my-bucket.s3.eu-west-2.amazonaws.com/Host%20a%20b/F.1.zip");
    expect(objectUrl({ ...t, region: "us-east-1" }).toString()).toBe("https://my-bucket.s3.amazonaws.com/Host%20a%20b/F.1.zip");
    expect(objectUrl({ ...t, endpoint: "https://minio.example:9000" }).toString()).toBe("https://my-bucket.minio.example:9000/Host%20a%20b/F.1.zip");
    expect(objectUrl({ ...t, endpoint: "https://minio.example:9000", pathStyle: true }).toString()).toBe("https://minio.example:9000/my-bucket/Host%20a%20b/F.1.zip");
    expect(objectUrl({ ...t, endpoint: "http://10.0.0.5:9000" }).toString()).toBe("http://10.0.0.5:9000/my-bucket/Host%20a%20b/F.1.zip");
  });
});

describe("upload_s3()", () => {
  it("PUTs the file, signed (SigV4, checked by the fake), as s3upload_root + name; returns Path, Size and UploadId", async () => {
    allow();
    const r = await vql(`SELECT upload_s3(file='hello world', accessor='data', name='Host x F.1.zip', s3upload_root='backups/', bucket='flows', region='eu-west-2', credentials_key='${KEY_ID}', credentials_secret='${SECRET_KEY}', credentials_token='session-token-xyz', serverside_encryption='aws:kms', kms_encryption_key='kms-key-1', endpoint='${cloud.base}/s3', path_style=TRUE) AS Upload FROM scope()`);
    expect(r.rows).toEqual([{ Upload: { Path: `${cloud.base}/s3/flows/backups/Host%20x%20F.1.zip`, Size: 11, UploadId: 0 } }]);
    expect(cloud.objects.get("flows/backups/Host x F.1.zip")?.toString()).toBe("hello world");
    const put = cloud.seen[0]!;
    expect(put.method).toBe("PUT");
    expect(put.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-2\/s3\/aws4_request, /);
    expect(put.headers["x-amz-security-token"]).toBe("session-token-xyz");
    expect(put.headers["x-amz-server-side-encryption"]).toBe("aws:kms");
    expect(put.headers["x-amz-server-side-encryption-aws-kms-key-id"]).toBe("kms-key-1");
    expect(put.headers["x-amz-content-sha256"]).toBe(sha256("hello world"));
    expect(r.logs).toEqual(["INFO upload_S3: Uploading backups/Host x F.1.zip to flows"]);
  });

  it("uploads a file of 5 MiB or more in parts (initiate, parts, complete) and reports the Location", async () => {
    allow();
    const big = Buffer.alloc(PART_SIZE + 1000, 7);
    big.write("start");
    localFile = join(dir, "big.zip");
    writeFileSync(localFile, big);
    const r = await vql(`SELECT upload_s3(file='/downloads/C.1/F.1/F.1.zip', accessor='fs', bucket='flows', credentials_key='${KEY_ID}', credentials_secret='${SECRET_KEY}', endpoint='${cloud.base}/s3') AS Upload FROM scope()`);
    expect(r.rows).toEqual([{ Upload: { Path: `${cloud.base}/s3/flows/downloads/C.1/F.1/F.1.zip`, Size: big.length, UploadId: 0 } }]);
    expect(cloud.seen.map((q) => `${q.method} ${q.url.replace(/upload-\d+/, "ID")}`)).toEqual([
      "POST /s3/flows/downloads/C.1/F.1/F.1.zip?uploads=",
      "PUT /s3/flows/downloads/C.1/F.1/F.1.zip?partNumber=1&uploadId=ID",
      "PUT /s3/flows/downloads/C.1/F.1/F.1.zip?partNumber=2&uploadId=ID",
      "POST /s3/flows/downloads/C.1/F.1/F.1.zip?uploadId=ID",
    ]);
    expect(cloud.seen[1]!.body.length).toBe(PART_SIZE);
    expect(md5(cloud.objects.get("flows/downloads/C.1/F.1/F.1.zip")!)).toBe(md5(big));
  });

  it("reads the server's own files with accessor auto", async () => {
    allow();
    const path = join(dir, "small.txt");
    writeFileSync(path, "abc");
    const r = await vql(`SELECT upload_s3(file='${path}', bucket='b1', credentials_key='${KEY_ID}', credentials_secret='${SECRET_KEY}', endpoint='${cloud.base}/s3') AS U FROM scope()`);
    expect(r.rows[0]!.U).toMatchObject({ Size: 3 });
    expect(cloud.objects.get(`b1${path}`)?.toString()).toBe("abc");
  });

  it("a refusal (bad signature) comes back in Error and an ERROR line; the secret key never shows", async () => {
    allow();
    const wrong = "not-the-right-secret-key-0000";
    const r = await vql(`SELECT upload_s3(file='x', accessor='data', name='k', bucket='b', credentials_key='${KEY_ID}', credentials_secret='${wrong}', endpoint='${cloud.base}/s3') AS U FROM scope()`);
    const why = `PUT 127.0.0.1:${new URL(cloud.base).port}/s3/b/k answered 403: SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided`;
    expect(r.rows).toEqual([{ U: { Path: "", Size: 0, Error: why, UploadId: 0 } }]);
    expect(r.logs).toEqual(["INFO upload_S3: Uploading k to b", `ERROR upload_S3: ${why}`]);
    expect(JSON.stringify(r)).not.toContain(wrong);
  });

  it("is refused on loopback without TALON_HTTP_CLIENT_ALLOW, and NULL when the file cannot be read", async () => {
    const r = await vql(`SELECT upload_s3(file='x', accessor='data', name='k', bucket='b', credentials_key='${KEY_ID}', credentials_secret='${SECRET_KEY}', endpoint='${cloud.base}/s3') AS U FROM scope()`);
    expect(cloud.seen).toEqual([]);
    expect(r.rows).toEqual([{ U: { Path: "", Size: 0, Error: "refused: 127.0.0.1 is a loopback address (allow it with TALON_HTTP_CLIENT_ALLOW)", UploadId: 0 } }]);
    const missing = await vql("SELECT upload_s3(file='/downloads/none.zip', accessor='fs', bucket='b') AS U FROM scope()");
    expect(missing).toEqual({ rows: [{ U: null }], logs: ["ERROR upload_s3: no file /downloads/none.zip in the file store"] });
    const bad = await vql("SELECT upload_s3(file='x', accessor='ntfs', bucket='b') AS U FROM scope()");
    expect(bad.logs).toEqual(["ERROR upload_s3: accessor `ntfs` is not available on the server (use fs, data, auto or file)"]);
  });

  it("takes region, credentials, endpoint and path_style from an `AWS S3 Creds` secret, never showing them", async () => {
    allow();
    const r = await vql("SELECT upload_s3(file='from secret', accessor='data', name='s.txt', bucket='sb', secret='s3', credentials_secret='ignored-by-the-secret') AS U FROM scope()");
    expect(r.rows).toEqual([{ U: { Path: `${cloud.base}/s3/sb/s.txt`, Size: 11, UploadId: 0 } }]);
    expect(cloud.seen[0]!.headers.authorization).toContain("/eu-west-2/s3/aws4_request");
    expect(JSON.stringify(r)).not.toContain(SECRET_KEY);
    const wrong = await vql("SELECT upload_s3(file='x', accessor='data', bucket='b', secret='adx') AS U FROM scope()");
    expect(wrong).toEqual({ rows: [{ U: null }], logs: ["ERROR upload_s3: no AWS S3 Creds secret named adx"] });
  });

  it("ends within 100 ms of an abort while the PUT is unanswered", async () => {
    allow();
    cloud.stall = true;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const started = performance.now();
    const r = await vql(`SELECT upload_s3(file='x', accessor='data', bucket='b', credentials_key='${KEY_ID}', credentials_secret='${SECRET_KEY}', endpoint='${cloud.base}/s3') AS U FROM scope()`, { signal: ac.signal }).catch(() => ({ rows: [] }));
    expect(performance.now() - started).toBeLessThan(300);
    expect(cloud.seen).toHaveLength(1);
    expect(r.rows).toEqual([]);
  });
});

describe("upload_gcs()", () => {
  it("exchanges an RS256 JWT for a token at token_uri, uploads the file and returns Path, Size, sha256, md5", async () => {
    allow();
    process.env.STORAGE_EMULATOR_HOST = cloud.base;
    const r = await vql("SELECT upload_gcs(file='gcs bytes', accessor='data', name='Host a F.1.zip', bucket='evidence', project='proj', credentials=GCSKey) AS Upload FROM range(end=2)");
    const expected = { Path: "Host a F.1.zip", Size: 9, sha256: sha256("gcs bytes"), md5: md5("gcs bytes"), UploadId: 0 };
    expect(r.rows).toEqual([{ Upload: expected }, { Upload: expected }]);
    expect(cloud.objects.get("Host a F.1.zip")?.toString()).toBe("gcs bytes");
    // One token for the query (the fake verified its signature), then one upload per call.
    expect(cloud.seen.map((q) => `${q.method} ${q.url}`)).toEqual([
      "POST /gcs/token",
      "POST /upload/storage/v1/b/evidence/o?name=Host%20a%20F.1.zip&uploadType=media",
      "POST /upload/storage/v1/b/evidence/o?name=Host%20a%20F.1.zip&uploadType=media",
    ]);
    const assertion = new URLSearchParams(cloud.seen[0]!.body.toString()).get("assertion")!;
    expect(JSON.parse(Buffer.from(assertion.split(".")[0]!, "base64url").toString())).toEqual({ alg: "RS256", typ: "JWT", kid: "kid-1" });
    expect(r.logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    expect(r.logs).toContain(`DEBUG upload_gcs: GCS Calculated MD5: ${md5("gcs bytes")} Hash checks out.`);
  });

  it("uses a resumable session for a file of 16 MiB or more", async () => {
    allow();
    process.env.STORAGE_EMULATOR_HOST = cloud.base;
    const big = Buffer.alloc(16 * 1024 * 1024 + 10, 3);
    localFile = join(dir, "big-gcs.zip");
    writeFileSync(localFile, big);
    const r = await vql("SELECT upload_gcs(file='/downloads/C.1/F.1/F.1.zip', accessor='fs', bucket='evidence', project='proj', credentials=GCSKey) AS U FROM scope()");
    expect(r.rows).toEqual([{ U: { Path: "/downloads/C.1/F.1/F.1.zip", Size: big.length, sha256: sha256(big), md5: md5(big), UploadId: 0 } }]);
    expect(cloud.seen.map((q) => [q.method, q.url.split("?")[0], q.headers["content-range"]])).toEqual([
      ["POST", "/gcs/token", undefined],
      ["POST", "/upload/storage/v1/b/evidence/o", undefined],
      ["PUT", expect.stringMatching(/^\/gcs\/session\/\d+$/), "bytes 0-8388607/16777226"],
      ["PUT", expect.stringMatching(/^\/gcs\/session\/\d+$/), "bytes 8388608-16777215/16777226"],
      ["PUT", expect.stringMatching(/^\/gcs\/session\/\d+$/), "bytes 16777216-16777225/16777226"],
    ]);
    expect(md5(cloud.objects.get("/downloads/C.1/F.1/F.1.zip")!)).toBe(md5(big));
  });

  it("is NULL with an ERROR line when the token endpoint rejects the key; the key never shows", async () => {
    allow();
    process.env.STORAGE_EMULATOR_HOST = cloud.base;
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const wrongKey = JSON.stringify({ ...JSON.parse(gcsKey), private_key: other });
    const r = await vql("SELECT upload_gcs(file='x', accessor='data', bucket='b', project='p', credentials=K) AS U FROM scope()", { env: { K: wrongKey } });
    expect(r.rows).toEqual([{ U: null }]);
    expect(r.logs).toEqual(["ERROR upload_gcs: the token endpoint answered 400: invalid_grant: Invalid JWT Signature."]);
    expect(JSON.stringify(r)).not.toContain("PRIVATE KEY");
    const notJson = await vql("SELECT upload_gcs(file='x', accessor='data', bucket='b', project='p', credentials='{not json') AS U FROM scope()");
    expect(notJson.logs).toEqual(["ERROR upload_gcs: credentials are not a service account key (not JSON)"]);
  });

  it("ends within 100 ms of an abort while the token exchange is unanswered", async () => {
    allow();
    cloud.stall = true;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const started = performance.now();
    await vql("SELECT upload_gcs(file='x', accessor='data', bucket='b', project='p', credentials=GCSKey) AS U FROM scope()", { signal: ac.signal }).catch(() => undefined);
    expect(performance.now() - started).toBeLessThan(300);
    expect(cloud.seen).toHaveLength(1);
  });
});

describe("adx_upload()", () => {
  const ROWS = "SELECT 'Generic.Client.Info' AS _Artifact, 'C.1' AS _ClientId, 'F.1' AS _FlowId, 'root' AS _Organization, 'host1' AS _Hostname, timestamp(epoch=1700000000) AS _timestamp, _value AS N, 'x' AS Name FROM range(end=3)";

  it("queues JSON lines for ingestion (blob + queue message) with an AAD token, one row per batch", async () => {
    allow();
    const r = await vql(`SELECT * FROM adx_upload(query={${ROWS}}, cluster_url='${cloud.base}/adx', database='velo', table='RawVelociraptorEvents', client_id='${ADX.clientId}', client_secret='${ADX.clientSecret}', tenant_id='${ADX.tenantId}', chunk_size=2)`);
    expect(r.rows.map((x) => ({ ...x, DurationMs: typeof x.DurationMs }))).toEqual([
      { Rows: 2, Bytes: expect.any(Number), DurationMs: "number", FlushReason: "chunk_size", Status: "Success", Database: "velo", Table: "RawVelociraptorEvents", Response: "Ingestion queued successfully (async)" },
      { Rows: 1, Bytes: expect.any(Number), DurationMs: "number", FlushReason: "channel_closed", Status: "Success", Database: "velo", Table: "RawVelociraptorEvents", Response: "Ingestion queued successfully (async)" },
    ]);
    expect(cloud.seen.map((q) => `${q.method} ${q.url.replace(/\?.*/, "")}`)).toEqual([
      "GET /adx/v1/rest/auth/metadata",
      `POST /aad/${ADX.tenantId}/oauth2/v2.0/token`,
      "POST /adx/v1/rest/mgmt",
      "POST /adx/v1/rest/mgmt",
      expect.stringMatching(/^PUT \/blob\/20250101-ingestdata\/velo__RawVelociraptorEvents__[0-9a-f-]{36}__talon\.json\.gz$/),
      "POST /queue/readyforaggregation-secured/messages",
      expect.stringMatching(/^PUT \/blob\//),
      "POST /queue/readyforaggregation-secured/messages",
    ]);
    const [first, second] = cloud.ingested;
    expect(first!.message).toMatchObject({ DatabaseName: "velo", TableName: "RawVelociraptorEvents", RetainBlobOnSuccess: true, FlushImmediately: false, AdditionalProperties: { authorizationContext: "fake-authorization-context", format: "json" } });
    expect(first!.message.RawDataSize).toBe(r.rows[0]!.Bytes);
    expect(first!.lines.map((l) => ({ ...l, IngestionTime: typeof l.IngestionTime }))).toEqual([0, 1].map((n) => ({ IngestionTime: "string", Artifact: "Generic.Client.Info", ClientId: "C.1", FlowId: "F.1", Organization: "root", Hostname: "host1", Timestamp: "2023-11-14T22:13:20Z", RawData: { N: n, Name: "x" } })));
    expect(first!.lines[0]!.IngestionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(second!.lines.map((l) => l.RawData)).toEqual([{ N: 2, Name: "x" }]);
    expect(r.logs).toEqual([
      expect.stringMatching(/^INFO adx_upload: successfully uploaded 2 rows \(\d+ bytes\) to velo\.RawVelociraptorEvents \(reason=chunk_size duration=\d+ms\)$/),
      expect.stringMatching(/^INFO adx_upload: successfully uploaded 1 rows \(\d+ bytes\) to velo\.RawVelociraptorEvents \(reason=channel_closed duration=\d+ms\)$/),
    ]);
  });

  it("prefers the row's own Timestamp column, and prefixes `ingest-` to a cluster host name as the SDKs do", async () => {
    allow();
    await vql(`SELECT * FROM adx_upload(query={SELECT 'T-1' AS Timestamp, 1 AS A FROM scope()}, cluster_url='${cloud.base}/adx', database='velo', client_id='${ADX.clientId}', client_secret='${ADX.clientSecret}', tenant_id='${ADX.tenantId}')`);
    expect(cloud.ingested[0]!.lines).toEqual([{ IngestionTime: expect.any(String), Artifact: "", ClientId: "", FlowId: "", Organization: "", Hostname: "", Timestamp: "T-1", RawData: { Timestamp: "T-1", A: 1 } }]);
    expect(ingestEndpoint("https://mycluster.westeurope.kusto.windows.net").toString()).toBe("https://ingest-mycluster.westeurope.kusto.windows.net/");
    expect(ingestEndpoint("https://ingest-mycluster.westeurope.kusto.windows.net/").toString()).toBe("https://ingest-mycluster.westeurope.kusto.windows.net/");
  });

  it("a rejected client secret gives a Status Error row and an ERROR line, the secret never shown; requires its fields", async () => {
    allow();
    const wrong = "wrong-adx-secret-value-77";
    const r = await vql(`SELECT * FROM adx_upload(query={SELECT 1 AS A FROM scope()}, cluster_url='${cloud.base}/adx', database='velo', client_id='${ADX.clientId}', client_secret='${wrong}', tenant_id='${ADX.tenantId}')`);
    const why = `the AAD token endpoint 127.0.0.1:${new URL(cloud.base).port}/aad/${ADX.tenantId}/oauth2/v2.0/token answered 401: invalid_client: AADSTS7000215: Invalid client secret provided.`;
    expect(r.rows).toEqual([{ Rows: 1, Bytes: expect.any(Number), DurationMs: expect.any(Number), FlushReason: "channel_closed", Status: "Error", Response: why }]);
    expect(r.logs).toEqual([expect.stringMatching(new RegExp(`^ERROR adx_upload: failed to upload 1 rows \\(\\d+ bytes\\) \\(reason=channel_closed duration=\\d+ms\\): ${why.replace(/[.()]/g, "\\$&")}$`))]);
    expect(JSON.stringify(r)).not.toContain(wrong);
    expect((await vql("SELECT * FROM adx_upload(query={SELECT 1 FROM scope()}, database='velo')")).logs).toEqual(["ERROR adx_upload: field cluster_url is required"]);
    expect((await vql(`SELECT * FROM adx_upload(query={SELECT 1 FROM scope()}, cluster_url='${cloud.base}', client_id='a')`)).logs).toEqual(["ERROR adx_upload: field database is required"]);
    expect((await vql(`SELECT * FROM adx_upload(query={SELECT 1 FROM scope()}, cluster_url='${cloud.base}', database='d', client_id='a')`)).logs).toEqual(["ERROR adx_upload: client_id, client_secret, and tenant_id are required"]);
  });

  it("takes credentials from an `ADX Creds` secret (the call may name the table), keeps SAS signatures and tokens out of errors", async () => {
    allow();
    const ok = await vql("SELECT * FROM adx_upload(query={SELECT 1 AS A FROM scope()}, secret='adx', table='Custom')");
    expect(ok.rows).toMatchObject([{ Status: "Success", Database: "velo", Table: "Custom" }]);
    cloud.fail = { match: /^\/queue\//, status: 403, body: '{"error":"AuthenticationFailed for https://x.queue.core.windows.net/q?sig=QUEUE-SAS-SIG"}' };
    const bad = await vql("SELECT * FROM adx_upload(query={SELECT 1 AS A FROM scope()}, secret='adx')");
    expect(bad.rows[0]).toMatchObject({ Status: "Error", Response: expect.stringMatching(/\/queue\/readyforaggregation-secured\/messages answered 403 to the ingestion message/) });
    const shown = JSON.stringify({ ok, bad });
    for (const v of [ADX.clientSecret, "QUEUE-SAS-SIG", "BLOB-SAS-SIG", "fake-adx-token"]) expect(shown).not.toContain(v);
  });

  it("needs NETWORK, and ends within 100 ms of an abort while the ingestion is unanswered", async () => {
    const analyst = as("analyst");
    const denied: string[] = [];
    for await (const e of runVql("SELECT * FROM adx_upload(query={SELECT 1 FROM scope()}, secret='adx')", { registry, host: { principal: analyst, services }, permissions: analyst.permissions })) if (e.kind === "log") denied.push(e.message);
    expect(denied.join("\n")).toContain("NETWORK");
    allow();
    cloud.stall = true;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const started = performance.now();
    await vql("SELECT * FROM adx_upload(query={SELECT 1 AS A FROM scope()}, secret='adx')", { signal: ac.signal }).catch(() => undefined);
    expect(performance.now() - started).toBeLessThan(300);
    expect(cloud.seen).toHaveLength(1);
  });
});
