// Azure Data Explorer's queued ingestion over REST, the way the Kusto SDKs do it (and
// Velociraptor's adx_upload(), through azure-kusto-go's queued client): the cluster's cloud info
// (`/v1/rest/auth/metadata`: the AAD login endpoint and Kusto's resource id, defaults on 404), an
// AAD client-credentials token, `.get ingestion resources` and `.get kusto identity token` on the
// ingest endpoint, the gzipped JSON-lines batch PUT as a block blob into a temp container, and
// the ingestion message posted to the aggregation queue. Every request goes through the
// outbound guard; errors name hosts and paths only (no SAS query, no token, no secret).
import { randomUUID } from "node:crypto";
import { isIP } from "node:net";
import { promisify } from "node:util";
import { gzip as gzipCb } from "node:zlib";
import { guardedFetch, policyFromEnv, type GuardedResponse } from "@/engine/server/net";

const gzip = promisify(gzipCb);
const TIMEOUT_MS = 120_000;
const STORAGE_VERSION = "2019-12-12";
const DEFAULT_LOGIN = "https://login.microsoftonline.com";
const DEFAULT_RESOURCE = "https://kusto.kusto.windows.net";

export interface KustoCredentials {
  clientId: string;
  clientSecret: string;
  tenantId: string;
}

/** The ingest endpoint of a cluster URL: `ingest-` prefixed, except addresses and localhost (as the SDKs do). */
export function ingestEndpoint(clusterUrl: string): URL {
  const u = new URL(clusterUrl);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!host.startsWith("ingest-") && isIP(host) === 0 && host !== "localhost") u.hostname = `ingest-${u.hostname}`;
  u.pathname = u.pathname.replace(/\/+$/, "");
  u.search = "";
  return u;
}

/** A URL as errors may show it: origin and path, never its query (SAS signatures live there). */
const shown = (url: string | URL) => {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
};
const short = (b: Buffer) => b.toString("utf8").trim().replace(/\?[^\s"']*/g, "?…").slice(0, 300) || "(no body)";

async function call(url: string | URL, init: { method: string; headers: Record<string, string>; body?: Buffer | string }, signal: AbortSignal): Promise<GuardedResponse> {
  return guardedFetch({ url, ...init, signal, timeoutMs: TIMEOUT_MS, maxRedirects: 0, maxBytes: 4 * 1024 * 1024, policy: policyFromEnv().policy });
}

function json(r: GuardedResponse): Record<string, unknown> {
  try {
    return JSON.parse(r.body.toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** One Kusto ingestion session: cloud info, token and resources are fetched once and renewed when stale. */
export class KustoIngest {
  private token?: { value: Promise<string>; expires: number };
  private resources?: Promise<{ queues: string[]; containers: string[]; authContext: string }>;
  private resourcesAt = 0;
  private next = 0;
  private readonly tokens: string[] = [];
  readonly endpoint: URL;

  constructor(
    clusterUrl: string,
    private readonly creds: KustoCredentials,
    private readonly now: () => number,
  ) {
    this.endpoint = ingestEndpoint(clusterUrl);
  }

  /** Secret-bearing strings of this session, for scrubbing text a row or log shows. */
  secrets(): string[] {
    return [this.creds.clientSecret, ...this.tokens];
  }

  private async bearer(signal: AbortSignal): Promise<string> {
    if (!this.token || this.token.expires <= this.now()) {
      const value = this.fetchToken(signal);
      this.token = { value, expires: this.now() + 50 * 60_000 };
      value.catch(() => (this.token = undefined));
    }
    return this.token.value;
  }

  private async fetchToken(signal: AbortSignal): Promise<string> {
    const meta = await call(`${this.endpoint.href}/v1/rest/auth/metadata`, { method: "GET", headers: { Accept: "application/json" } }, signal);
    let login = DEFAULT_LOGIN;
    let resource = DEFAULT_RESOURCE;
    if (meta.status === 200) {
      const aad = (json(meta).AzureAD ?? {}) as Record<string, unknown>;
      if (typeof aad.LoginEndpoint === "string" && aad.LoginEndpoint) login = aad.LoginEndpoint;
      if (typeof aad.KustoServiceResourceId === "string" && aad.KustoServiceResourceId) resource = aad.KustoServiceResourceId;
      if (aad.LoginMfaRequired === true) resource = resource.replace(".kusto.", ".kustomfa.");
    } else if (meta.status !== 404) throw new Error(`${shown(meta.url)} answered ${meta.status} to the cloud info request`);
    const url = `${login.replace(/\/+$/, "")}/${encodeURIComponent(this.creds.tenantId)}/oauth2/v2.0/token`;
    const body = new URLSearchParams({ grant_type: "client_credentials", client_id: this.creds.clientId, client_secret: this.creds.clientSecret, scope: `${resource.replace(/\/+$/, "")}/.default` }).toString();
    const r = await call(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" }, body }, signal);
    const reply = json(r);
    if (r.status !== 200 || typeof reply.access_token !== "string") {
      const why = typeof reply.error === "string" ? `${reply.error}${typeof reply.error_description === "string" ? `: ${reply.error_description.split("\n")[0]}` : ""}` : short(r.body);
      throw new Error(`the AAD token endpoint ${shown(url)} answered ${r.status}: ${why}`);
    }
    this.tokens.splice(0, this.tokens.length, reply.access_token);
    const ttl = typeof reply.expires_in === "number" ? reply.expires_in : Number(reply.expires_in) || 3600;
    this.token = { value: Promise.resolve(reply.access_token), expires: this.now() + Math.max(60, ttl - 300) * 1000 };
    return reply.access_token;
  }

  /** A management command's first table as rows of {column: value}. */
  private async mgmt(csl: string, signal: AbortSignal): Promise<Array<Record<string, unknown>>> {
    const token = await this.bearer(signal);
    const r = await call(`${this.endpoint.href}/v1/rest/mgmt`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json; charset=utf-8", Accept: "application/json", "x-ms-app": "Talon", "x-ms-client-request-id": `KGC.execute;${randomUUID()}` },
      body: JSON.stringify({ db: "NetDefaultDB", csl }),
    }, signal);
    if (r.status !== 200) throw new Error(`${shown(r.url)} answered ${r.status} to \`${csl}\`: ${short(r.body)}`);
    const t = ((json(r).Tables as unknown[]) ?? [])[0] as { Columns?: Array<{ ColumnName: string }>; Rows?: unknown[][] } | undefined;
    const cols = (t?.Columns ?? []).map((c) => c.ColumnName);
    return (t?.Rows ?? []).map((row) => Object.fromEntries(cols.map((c, i) => [c, row[i]])));
  }

  private ingestionResources(signal: AbortSignal) {
    // Renewed an hour on, as the SDKs refresh them.
    if (this.resources && this.now() - this.resourcesAt > 3_600_000) this.resources = undefined;
    if (!this.resources) this.resourcesAt = this.now();
    this.resources ??= (async () => {
      const rows = await this.mgmt(".get ingestion resources", signal);
      const of = (kind: string) => rows.filter((r) => r.ResourceTypeName === kind).map((r) => String(r.StorageRoot));
      const queues = of("SecuredReadyForAggregationQueue");
      const containers = of("TempStorage");
      if (!queues.length || !containers.length) throw new Error("the cluster's ingestion resources name no aggregation queue or temp storage");
      const id = await this.mgmt(".get kusto identity token", signal);
      const authContext = String(id[0]?.AuthorizationContext ?? "");
      if (!authContext) throw new Error("the cluster gave no kusto identity token");
      return { queues, containers, authContext };
    })();
    this.resources.catch(() => (this.resources = undefined));
    return this.resources;
  }

  /** Queues `data` (JSON lines) for ingestion into database.table. */
  async ingest(database: string, table: string, data: Buffer, signal: AbortSignal): Promise<void> {
    const res = await this.ingestionResources(signal);
    const n = this.next++;
    const container = new URL(res.containers[n % res.containers.length]!);
    const queue = new URL(res.queues[n % res.queues.length]!);
    const id = randomUUID();
    const blob = new URL(`${container.origin}${container.pathname.replace(/\/+$/, "")}/${encodeURIComponent(`${database}__${table}__${id}__talon.json.gz`)}${container.search}`);
    const put = await call(blob, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob", "x-ms-version": STORAGE_VERSION, "Content-Type": "application/octet-stream" }, body: await gzip(data) }, signal);
    if (put.status !== 201 && put.status !== 200) throw new Error(`${shown(blob)} answered ${put.status} to the blob upload: ${short(put.body)}`);
    const message = {
      Id: id,
      BlobPath: blob.toString(),
      RawDataSize: data.length,
      DatabaseName: database,
      TableName: table,
      RetainBlobOnSuccess: true,
      FlushImmediately: false,
      ReportLevel: 0,
      ReportMethod: 0,
      SourceMessageCreationTime: new Date(this.now()).toISOString(),
      AdditionalProperties: { authorizationContext: res.authContext, format: "json" },
    };
    const text = Buffer.from(JSON.stringify(message), "utf8").toString("base64");
    const messages = new URL(`${queue.origin}${queue.pathname.replace(/\/+$/, "")}/messages${queue.search}`);
    const post = await call(messages, { method: "POST", headers: { "x-ms-version": STORAGE_VERSION, "Content-Type": "application/xml" }, body: `<QueueMessage><MessageText>${text}</MessageText></QueueMessage>` }, signal);
    if (post.status !== 201 && post.status !== 200) throw new Error(`${shown(messages)} answered ${post.status} to the ingestion message: ${short(post.body)}`);
  }
}
