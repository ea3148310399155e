// elastic_upload(), splunk_upload() and logscale_upload() against a real HTTP server on 127.0.0.1
// (allowed through TALON_HTTP_CLIENT_ALLOW where a test needs it). Expected wire formats are the
// products' documented APIs: Elasticsearch `_bulk` (NDJSON: action line, then the document),
// Splunk HEC (`Authorization: Splunk <token>`, events {time, host, source, sourcetype, index,
// event}), LogScale structured ingest (`Authorization: Bearer <token>`, an array of
// {events:[{timestamp, attributes}], tags}). Also batching, wait_time, threads as the bound on
// requests in flight, error replies in rows and logs, secrets kept out of both, and aborts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "@/engine/vql";
import { permissionsOf } from "@/engine/server/auth/roles";
import type { Principal, VqlServices } from "@/engine/server/contracts";
import { serverBuiltins } from "..";
import { cloudIdAddress, sanitizeIndex } from "./elastic";
import { tagMap } from "./logscale";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const as = (role: string): Principal => ({ userId: role, username: role, role, permissions: permissionsOf(role), via: "session" });
const admin = as("administrator");

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  at: number;
}
let server: Server;
let base: string;
const requests: Seen[] = [];
let handler: (req: Seen, res: ServerResponse) => void = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}");
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on("close", () => inFlight--);
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const seen = { method: req.method!, url: req.url!, headers: req.headers, body, at: performance.now() };
      requests.push(seen);
      handler(seen, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => {
  delete process.env.TALON_HTTP_CLIENT_ALLOW;
  requests.length = 0;
  maxInFlight = 0;
  handler = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}");
});
const allow = () => (process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1");

const SECRETS: Record<string, { type: string; values: () => Record<string, unknown> }> = {
  es: { type: "Elastic", values: () => ({ addresses: `${base}/`, api_key: "es-secret-key-77", index: "from-secret" }) },
  hec: { type: "Splunk", values: () => ({ url: `${base}/services/collector/event`, token: "hec-secret-token-88", index: "from-secret" }) },
};
const services = {
  clients: { get: async (_p: Principal, id: string) => ({ clientId: id, hostname: `host-of-${id}` }) },
  secrets: {
    async resolve(_p: Principal, name: string, type: string) {
      const s = SECRETS[name];
      if (!s || s.type !== type) throw new Error(`no ${type} secret named ${name}`);
      return { name, type, values: s.values() };
    },
  },
} as unknown as VqlServices;

async function vql(text: string, opts: { principal?: Principal; signal?: AbortSignal } = {}) {
  const principal = opts.principal ?? admin;
  const rows: Array<Record<string, unknown>> = [];
  const logs: string[] = [];
  for await (const e of runVql(text, { registry, host: { principal, services }, permissions: principal.permissions, signal: opts.signal })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

/** A `_bulk` body as [action, document] pairs (NDJSON: every line ends with \n). */
function bulkPairs(body: string): Array<[Record<string, Record<string, string>>, Record<string, unknown>]> {
  expect(body.endsWith("\n")).toBe(true);
  const lines = body.slice(0, -1).split("\n").map((l) => JSON.parse(l));
  expect(lines.length % 2).toBe(0);
  const out: Array<[Record<string, Record<string, string>>, Record<string, unknown>]> = [];
  for (let i = 0; i < lines.length; i += 2) out.push([lines[i], lines[i + 1]]);
  return out;
}

/** Elasticsearch's documented bulk reply for `n` indexed documents. */
const bulkOk = (n: number) => ({ took: 3, errors: false, items: Array.from({ length: n }, (_, i) => ({ index: { _id: String(i), status: 201, result: "created" } })) });

describe("elastic_upload()", () => {
  it("is refused on loopback without TALON_HTTP_CLIENT_ALLOW: no request, an ERROR line, no rows", async () => {
    const r = await vql(`SELECT * FROM elastic_upload(query={SELECT 1 AS A FROM scope()}, addresses='${base}/', index='velociraptor')`);
    expect(requests).toEqual([]);
    expect(r.rows).toEqual([]);
    expect(r.logs).toEqual(["ERROR elastic_upload: refused: 127.0.0.1 is a loopback address (allow it with TALON_HTTP_CLIENT_ALLOW); 1 rows were not uploaded"]);
  });

  it("sends `_bulk` NDJSON in chunk_size batches with Basic auth, one row per request", async () => {
    allow();
    handler = (req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(bulkOk(bulkPairs(req.body).length)));
    const r = await vql(`SELECT * FROM elastic_upload(query={SELECT _value AS N, format(format='row %d', args=_value) AS Name FROM range(end=3)}, addresses=['${base}/'], index='velociraptor', type='artifact', username='elastic', password='hunter2pass', chunk_size=2)`);
    expect(requests.map((q) => [q.method, q.url])).toEqual([["POST", "/_bulk"], ["POST", "/_bulk"]]);
    expect(requests[0]!.headers["content-type"]).toBe("application/x-ndjson");
    expect(requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from("elastic:hunter2pass").toString("base64")}`);
    const pairs = requests.flatMap((q) => bulkPairs(q.body));
    expect(pairs.map(([, d]) => d)).toEqual([{ N: 0, Name: "row 0" }, { N: 1, Name: "row 1" }, { N: 2, Name: "row 2" }]);
    for (const [action] of pairs) {
      expect(Object.keys(action)).toEqual(["index"]);
      expect(action.index!._index).toBe("velociraptor");
      expect(action.index!._id).toMatch(/^\d+$/);
    }
    expect(new Set(pairs.map(([a]) => a.index!._id)).size).toBe(3);
    expect(requests.map((q) => bulkPairs(q.body).length)).toEqual([2, 1]);
    expect(r.rows).toEqual([
      { StatusCode: 200, Response: bulkOk(2) },
      { StatusCode: 200, Response: bulkOk(1) },
    ]);
    expect(r.logs.join("\n")).not.toContain("hunter2pass");
  });

  it("takes the index and id from `_index` (sanitized) and `_id` columns, and sends action=create and pipeline", async () => {
    allow();
    await vql(`SELECT * FROM elastic_upload(query={SELECT '-My Index/2024' AS _index, 'doc-1' AS _id, 5 AS V FROM scope()}, addresses='${base}', action='create', pipeline='geoip')`);
    expect(bulkPairs(requests[0]!.body)).toEqual([[{ create: { _id: "doc-1", _index: "my_index_2024", pipeline: "geoip" } }, { V: 5 }]]);
  });

  it("sends an api_key as `Authorization: ApiKey`, reports an error reply in its row and log, and never shows the key", async () => {
    allow();
    const error = { error: { type: "security_exception", reason: "unable to authenticate with provided credentials" }, status: 401 };
    handler = (_req, res) => res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify(error));
    const r = await vql(`SELECT * FROM elastic_upload(query={SELECT 1 AS A FROM scope()}, addresses='${base}', index='i', api_key='VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==', username='ignored', password='ignored-pass')`);
    expect(requests[0]!.headers.authorization).toBe("ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==");
    expect(r.rows).toEqual([{ StatusCode: 401, Response: error }]);
    expect(r.logs).toHaveLength(1);
    expect(r.logs[0]).toMatch(/^ERROR elastic_upload: http:\/\/127\.0\.0\.1:\d+ answered 401 to a bulk request of 1 rows: .*security_exception/);
    expect(JSON.stringify(r)).not.toContain("VnVhQ2ZH");
  });

  it("warns when a 200 reply says documents were rejected (`errors: true`)", async () => {
    allow();
    const reply = { took: 1, errors: true, items: [{ index: { _id: "1", status: 400, error: { type: "mapper_parsing_exception", reason: "failed to parse" } } }, { index: { _id: "2", status: 201 } }] };
    handler = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
    const r = await vql(`SELECT * FROM elastic_upload(query={SELECT * FROM range(end=2)}, addresses='${base}', index='i')`);
    expect(r.rows).toEqual([{ StatusCode: 200, Response: reply }]);
    expect(r.logs).toEqual(["WARN elastic_upload: 1 of 2 documents were rejected (first: mapper_parsing_exception: failed to parse)"]);
  });

  it("sends a partial batch after wait_time seconds while the query is still running", async () => {
    allow();
    const started = performance.now();
    await vql(`SELECT * FROM elastic_upload(query={SELECT * FROM chain(a={SELECT 1 AS A FROM scope()}, b={SELECT 2 AS A FROM scope() WHERE sleep(time=2)})}, addresses='${base}', index='i', wait_time=1)`);
    expect(requests.map((q) => bulkPairs(q.body).map(([, d]) => d))).toEqual([[{ A: 1 }], [{ A: 2 }]]);
    const first = requests[0]!.at - started;
    expect(first).toBeGreaterThan(900);
    expect(first).toBeLessThan(1900);
  });

  it("has at most `threads` requests in flight, reading no further meanwhile", async () => {
    allow();
    handler = (_req, res) => setTimeout(() => res.writeHead(200).end("{}"), 50);
    const one = await vql(`SELECT * FROM elastic_upload(query={SELECT * FROM range(end=6)}, addresses='${base}', index='i', chunk_size=1)`);
    expect(one.rows).toHaveLength(6);
    expect(maxInFlight).toBe(1);
    maxInFlight = 0;
    const three = await vql(`SELECT * FROM elastic_upload(query={SELECT * FROM range(end=6)}, addresses='${base}', index='i', chunk_size=1, threads=3)`);
    expect(three.rows).toHaveLength(6);
    expect(maxInFlight).toBe(3);
  });

  it("tries the next node when one does not answer", async () => {
    allow();
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await vql(`SELECT * FROM elastic_upload(query={SELECT 1 AS A FROM scope()}, addresses=['${dead}', '${base}'], index='i')`);
    expect(r.rows).toEqual([{ StatusCode: 200, Response: {} }]);
    expect(requests).toHaveLength(1);
  });

  it("ends within 100 ms of an abort while a request is unanswered", async () => {
    allow();
    handler = () => {};
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const started = performance.now();
    await vql(`SELECT * FROM elastic_upload(query={SELECT 1 AS A FROM scope()}, addresses='${base}', index='i')`, { signal: ac.signal }).catch(() => undefined);
    expect(performance.now() - started).toBeLessThan(300);
    expect(requests).toHaveLength(1);
  });

  it("needs NETWORK and rejects an unknown action", async () => {
    const denied = await vql(`SELECT * FROM elastic_upload(query={SELECT 1 FROM scope()}, addresses='${base}')`, { principal: as("analyst") });
    expect(denied.logs.join("\n")).toContain("NETWORK");
    allow();
    const bad = await vql(`SELECT * FROM elastic_upload(query={SELECT 1 FROM scope()}, addresses='${base}', action='update')`);
    expect(bad.logs).toEqual(["ERROR elastic_upload: action must be either index or create"]);
    expect(requests).toEqual([]);
  });

  it("sanitizes index names and decodes Cloud IDs as Elasticsearch does", () => {
    expect(sanitizeIndex("_Flows Upload,x#1")).toBe("flows_upload_x_1");
    expect(sanitizeIndex("..")).toBe("invalid");
    const id = `my-deployment:${Buffer.from("eu-west-1.aws.found.io$abc123$def456").toString("base64")}`;
    expect(cloudIdAddress(id)).toBe("https://abc123.eu-west-1.aws.found.io");
  });
});

describe("splunk_upload()", () => {
  it("is refused on loopback without TALON_HTTP_CLIENT_ALLOW: an ERROR line and the error as the batch's Response", async () => {
    const r = await vql(`SELECT * FROM splunk_upload(query={SELECT 1 AS A FROM scope()}, url='${base}/services/collector/event', token='tok-secret-1', index='main')`);
    expect(requests).toEqual([]);
    const why = "refused: 127.0.0.1 is a loopback address (allow it with TALON_HTTP_CLIENT_ALLOW)";
    expect(r.rows).toEqual([{ Response: why }]);
    expect(r.logs).toEqual([`ERROR splunk_upload: 1 rows were not uploaded: ${why}`]);
  });

  it("posts HEC events with the token, time from timestamp_field and host from hostname_field; Response is the count", async () => {
    allow();
    handler = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"text":"Success","code":0}');
    const r = await vql(`SELECT * FROM splunk_upload(query={SELECT 'C.1' AS ClientId, timestamp(epoch=1700000000.25) AS timestamp, _value AS N FROM range(end=3)}, url='${base}/services/collector/event', token='tok-secret-1', index='velociraptor', hostname_field='ClientId', timestamp_field='timestamp', chunk_size=2)`);
    expect(requests.map((q) => [q.method, q.url])).toEqual([["POST", "/services/collector/event"], ["POST", "/services/collector/event"]]);
    expect(requests[0]!.headers.authorization).toBe("Splunk tok-secret-1");
    expect(requests[0]!.headers["content-type"]).toBe("application/json");
    const events = requests.map((q) => q.body.trim().split("\n").map((l) => JSON.parse(l)));
    expect(events.map((e) => e.length)).toEqual([2, 1]);
    expect(events.flat()).toEqual([0, 1, 2].map((n) => ({
      time: 1700000000.25,
      host: "C.1",
      source: "velociraptor",
      sourcetype: "vql",
      index: "velociraptor",
      event: { ClientId: "C.1", timestamp: "2023-11-14T22:13:20.25Z", N: n },
    })));
    expect(r.rows).toEqual([{ Response: 2 }, { Response: 1 }]);
    expect(r.logs).toEqual([]);
  });

  it("takes index, source and sourcetype from `_splunk_*` columns and removes them", async () => {
    allow();
    await vql(`SELECT * FROM splunk_upload(query={SELECT 'idx2' AS _splunk_index, 'src2' AS _splunk_source, 'st2' AS _splunk_source_type, 1 AS A FROM scope()}, url='${base}/services/collector', token='t', index='main', hostname='server1')`);
    const e = JSON.parse(requests[0]!.body);
    expect({ ...e, time: undefined }).toEqual({ time: undefined, host: "server1", source: "src2", sourcetype: "st2", index: "idx2", event: { A: 1 } });
  });

  it("retries a 503 after retry_wait and reports a refusal (403) at once, the token never shown", async () => {
    allow();
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(503).end("busy");
      else res.writeHead(200).end('{"text":"Success","code":0}');
    };
    const ok = await vql(`SELECT * FROM splunk_upload(query={SELECT 1 AS A FROM scope()}, url='${base}/services/collector', token='tok-secret-1', index='main', retry_wait=0.05)`);
    expect(ok.rows).toEqual([{ Response: 1 }]);
    expect(ok.logs).toEqual(["WARN splunk_upload: attempt 1 failed: HTTP 503: busy, retrying in 0.05s..."]);
    expect(requests).toHaveLength(2);
    requests.length = 0;
    handler = (_req, res) => res.writeHead(403).end('{"text":"Invalid token tok-secret-1","code":4}');
    const bad = await vql(`SELECT * FROM splunk_upload(query={SELECT 1 AS A FROM scope()}, url='${base}/services/collector', token='tok-secret-1', index='main', retry_wait=0.05)`);
    expect(requests).toHaveLength(1);
    expect(bad.rows).toEqual([{ Response: 'HTTP 403: {"text":"Invalid token …redacted","code":4}' }]);
    expect(bad.logs).toEqual(['ERROR splunk_upload: 1 rows were not uploaded: HTTP 403: {"text":"Invalid token …redacted","code":4}']);
  });

  it("requires url and index, as Velociraptor", async () => {
    expect((await vql("SELECT * FROM splunk_upload(query={SELECT 1 FROM scope()}, index='main')")).logs).toEqual(["ERROR splunk_upload: field url is required"]);
    expect((await vql(`SELECT * FROM splunk_upload(query={SELECT 1 FROM scope()}, url='${base}')`)).logs).toEqual(["ERROR splunk_upload: field index is required"]);
  });
});

describe("secrets", () => {
  it("elastic_upload(secret=) and splunk_upload(secret=) take the destination and credentials from the secret, never showing them", async () => {
    allow();
    handler = (req, res) => res.writeHead(500).end(`failed for ${req.headers.authorization}`);
    const es = await vql("SELECT * FROM elastic_upload(query={SELECT 1 AS A FROM scope()}, secret='es')");
    expect(requests[0]!.url).toBe("/_bulk");
    expect(requests[0]!.headers.authorization).toBe("ApiKey es-secret-key-77");
    expect(bulkPairs(requests[0]!.body)[0]![0].index!._index).toBe("from-secret");
    const hec = await vql("SELECT * FROM splunk_upload(query={SELECT 1 AS A FROM scope()}, secret='hec', index='override', max_retries=1, retry_wait=0.01)");
    expect(requests[1]!.url).toBe("/services/collector/event");
    expect(requests[1]!.headers.authorization).toBe("Splunk hec-secret-token-88");
    expect(JSON.parse(requests[1]!.body).index).toBe("override");
    const shown = JSON.stringify({ es, hec });
    expect(shown).toContain("…redacted");
    expect(shown).not.toContain("es-secret-key-77");
    expect(shown).not.toContain("hec-secret-token-88");
    const wrong = await vql("SELECT * FROM elastic_upload(query={SELECT 1 AS A FROM scope()}, secret='hec')");
    expect(wrong.logs).toEqual(["ERROR elastic_upload: no Elastic secret named hec"]);
  });
});

describe("logscale_upload()", () => {
  it("posts structured ingest payloads with the Bearer token and tags, and emits no rows", async () => {
    allow();
    const r = await vql(`SELECT * FROM logscale_upload(query={SELECT 'C.1' AS ClientId, 'Generic.Client.Info' AS Artifact, timestamp(epoch=1700000000) AS Time, _value AS N FROM range(end=2)}, apibaseurl='${base}/api', ingest_token='ingest-tok-9', tag_fields=['Artifact=art', 'N'], stats_interval=0)`);
    expect(r.rows).toEqual([]);
    expect(requests.map((q) => [q.method, q.url])).toEqual([["POST", "/api/v1/ingest/humio-structured"]]);
    expect(requests[0]!.headers.authorization).toBe("Bearer ingest-tok-9");
    expect(requests[0]!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(requests[0]!.body)).toEqual([0, 1].map((n) => ({
      events: [{ timestamp: "2023-11-14T22:13:20Z", attributes: { ClientId: "C.1", Artifact: "Generic.Client.Info", Time: "2023-11-14T22:13:20Z", N: n } }],
      tags: { ClientId: "C.1", ClientHostname: "host-of-C.1", art: "Generic.Client.Info", N: n },
    })));
    expect(r.logs.map((l) => l.replace(/logscale\/\d+/, "logscale/N"))).toEqual(["INFO logscale/N: plugin started (1 threads)", "INFO logscale/N: plugin terminating"]);
  });

  it("sends event_batch_size events per request, and logs a refused batch as lost", async () => {
    allow();
    await vql(`SELECT * FROM logscale_upload(query={SELECT * FROM range(end=5)}, apibaseurl='${base}', ingest_token='ingest-tok-9', event_batch_size=2)`);
    expect(requests.map((q) => JSON.parse(q.body).length)).toEqual([2, 2, 1]);
    requests.length = 0;
    handler = (_req, res) => res.writeHead(400).end("bad ingest-tok-9 payload");
    const r = await vql(`SELECT * FROM logscale_upload(query={SELECT 1 AS A FROM scope()}, apibaseurl='${base}', ingest_token='ingest-tok-9')`);
    expect(requests).toHaveLength(1);
    const logs = r.logs.map((l) => l.replace(/logscale\/\d+/, "logscale/N"));
    expect(logs).toContain('ERROR logscale/N: Failed to post events, lost 1 events: http error: 400, "bad …redacted payload"');
    expect(JSON.stringify(r)).not.toContain("ingest-tok-9");
  });

  it("is refused without TALON_HTTP_CLIENT_ALLOW (not retried: another try cannot change the policy)", async () => {
    const r = await vql(`SELECT * FROM logscale_upload(query={SELECT 1 AS A FROM scope()}, apibaseurl='${base}', ingest_token='x-token')`);
    expect(requests).toEqual([]);
    const logs = r.logs.map((l) => l.replace(/logscale\/\d+/, "logscale/N"));
    expect(logs).toContain("ERROR logscale/N: Failed to post events, lost 1 events: refused: 127.0.0.1 is a loopback address (allow it with TALON_HTTP_CLIENT_ALLOW)");
  });

  it("retries a 503 after 2 s (1 s doubling) and says when the retry succeeded", async () => {
    allow();
    let calls = 0;
    handler = (_req, res) => (++calls === 1 ? res.writeHead(503).end("busy") : res.writeHead(200).end("{}"));
    const r = await vql(`SELECT * FROM logscale_upload(query={SELECT 1 AS A FROM scope()}, apibaseurl='${base}', ingest_token='x-token')`);
    expect(requests).toHaveLength(2);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThan(1900);
    expect(r.logs.map((l) => l.replace(/logscale\/\d+/, "logscale/N"))).toEqual([
      "INFO logscale/N: plugin started (1 threads)",
      'WARN logscale/N: request failed: http error: 503, "busy"',
      "WARN logscale/N: Failed to POST events, will attempt retry #1 in 2s.",
      "INFO logscale/N: Retry successful, pushing backlog.",
      "INFO logscale/N: plugin terminating",
    ]);
  });

  it("needs COLLECT_SERVER, and validates tag_fields", async () => {
    const denied = await vql(`SELECT * FROM logscale_upload(query={SELECT 1 FROM scope()}, apibaseurl='${base}', ingest_token='t')`, { principal: as("investigator") });
    expect(denied.logs.join("\n")).toContain("COLLECT_SERVER");
    expect(tagMap(["a", "b=c", ""])).toEqual(new Map([["a", "a"], ["b", "c"]]));
    expect(tagMap(["=x"])).toBe("Empty column name is not valid");
    expect(tagMap(["x="])).toBe("Empty tag name is not valid");
  });
});
