// A stand-in for the services server builtins call, for tests: every call answers at once
// (endless pages of clients, flows and rows) or never answers; and one query per server
// builtin whose rows come from that builtin (lifecycle.test.ts, the query-worker RPC test).
import { SMTPServer } from "smtp-server";
import { loadArtifact, type Artifact } from "@/engine/artifacts";
import type { Builtin } from "@/engine/vql";
import { permissionsOf } from "@/engine/server/auth/roles";
import type { CellView, ClientSummary, FlowSummary, HuntClient, HuntId, HuntSummary, NotebookView, Principal, VqlServices } from "@/engine/server/contracts";

export const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const ID = "C.0123456789abcdef";
const FLOW = "F.ABCDEFGHIJKLM";
const NB = "N.LIFE0000001";
const HUNT = "H.LIFE000000001";

/** The fake cloud's credentials for the lifecycle cases of upload_s3(), upload_gcs() and adx_upload(). */
export const LIFE_CLOUD = {
  s3: { accessKeyId: "AKIDLIFE", secretAccessKey: "life-secret-key" },
  adx: { clientId: "life-client", clientSecret: "life-client-secret", tenantId: "life-tenant" },
  gcsEmail: "life@proj.iam.gserviceaccount.com",
};

/**
 * Each case: a query whose rows come from the builtin (functions are called once per row). A
 * name both kinds have is keyed `name()` and `name (plugin)` (caseKey).
 */
export const CASES: Record<string, string> = {
  artifact_definitions: "SELECT name FROM artifact_definitions()",
  artifact_set: "SELECT artifact_set(definition=Def) AS A FROM range(end=1000000)",
  verify: "SELECT verify(artifact=Def) AS V FROM range(end=1000000)",
  import: "SELECT import(artifact='Custom.Life') AS I FROM range(end=1000000)",
  // `Container`: a file the test writes (the stand-in service does not read its bytes).
  import_collection: "SELECT import_collection(hostname='offline', filename=Container) AS I FROM range(end=1000000)",
  artifact_delete: "SELECT artifact_delete(name='Custom.Life') AS A FROM range(end=1000000)",
  clients: "SELECT * FROM clients()",
  client_info: `SELECT client_info(client_id='${ID}') AS C FROM range(end=1000000)`,
  client_metadata: `SELECT client_metadata(client_id='${ID}') AS M FROM range(end=1000000)`,
  client_set_metadata: `SELECT client_set_metadata(client_id='${ID}', metadata=dict(a='1')) AS M FROM range(end=1000000)`,
  server_metadata: "SELECT server_metadata() AS M FROM range(end=1000000)",
  server_set_metadata: "SELECT server_set_metadata(SlackToken='https://hooks.example/x') AS S FROM range(end=1000000)",
  label: `SELECT label(client_id='${ID}', labels=['x']) AS L FROM range(end=1000000)`,
  killkillkill: `SELECT killkillkill(client_id='${ID}') AS K FROM range(end=1000000)`,
  collect_client: `SELECT collect_client(client_id='${ID}', artifacts=['Generic.Client.Info']) AS F FROM range(end=1000000)`,
  flows: `SELECT * FROM flows(client_id='${ID}')`,
  source: `SELECT * FROM source(client_id='${ID}', flow_id='${FLOW}', artifact='Generic.Client.Info')`,
  cancel_flow: `SELECT cancel_flow(client_id='${ID}', flow_id='${FLOW}') AS F FROM range(end=1000000)`,
  hunt: "SELECT hunt(artifacts=['Generic.Client.Info'], pause=TRUE) AS H FROM range(end=1000000)",
  hunts: "SELECT * FROM hunts()",
  hunt_info: `SELECT hunt_info(hunt_id='${HUNT}') AS H FROM range(end=1000000)`,
  hunt_results: `SELECT * FROM hunt_results(hunt_id='${HUNT}')`,
  hunt_flows: `SELECT * FROM hunt_flows(hunt_id='${HUNT}')`,
  hunt_add: `SELECT hunt_add(hunt_id='${HUNT}', client_id='${ID}') AS H FROM range(end=1000000)`,
  hunt_update: `SELECT hunt_update(hunt_id='${HUNT}', stop=TRUE) AS H FROM range(end=1000000)`,
  hunt_delete: `SELECT * FROM hunt_delete(hunt_id='${HUNT}', really_do_it=TRUE)`,
  notebooks: "SELECT * FROM notebooks()",
  notebook_get: `SELECT notebook_get(notebook_id='${NB}') AS N FROM range(end=1000000)`,
  notebook_create: "SELECT notebook_create(name='Life') AS N FROM range(end=1000000)",
  notebook_update: `SELECT notebook_update(notebook_id='${NB}', name='Life') AS N FROM range(end=1000000)`,
  notebook_update_cell: `SELECT notebook_update_cell(notebook_id='${NB}', input='SELECT 1 FROM scope()', run=FALSE) AS C FROM range(end=1000000)`,
  notebook_delete: `SELECT notebook_delete(notebook_id='${NB}') AS N FROM range(end=1000000)`,
  watch_monitoring: "SELECT * FROM watch_monitoring(artifact='Custom.Life')",
  monitoring: "SELECT * FROM monitoring(artifact='Custom.Life', client_id='server')",
  monitoring_logs: "SELECT * FROM monitoring_logs(artifact='Custom.Life')",
  send_event: "SELECT send_event(artifact='Custom.Life', row=dict(a=1)) AS E FROM range(end=1000000)",
  get_server_monitoring: "SELECT get_server_monitoring() AS T FROM range(end=1000000)",
  set_server_monitoring: "SELECT set_server_monitoring(value=dict(artifacts=['Custom.Life'])) AS T FROM range(end=1000000)",
  add_server_monitoring: "SELECT add_server_monitoring(artifact='Custom.Life') AS T FROM range(end=1000000)",
  rm_server_monitoring: "SELECT rm_server_monitoring(artifact='Custom.Life') AS T FROM range(end=1000000)",
  get_client_monitoring: "SELECT get_client_monitoring() AS T FROM range(end=1000000)",
  set_client_monitoring: "SELECT set_client_monitoring(value=dict(artifacts=dict(artifacts=['Custom.Life']))) AS T FROM range(end=1000000)",
  add_client_monitoring: "SELECT add_client_monitoring(artifact='Custom.Life', label='x') AS T FROM range(end=1000000)",
  rm_client_monitoring: "SELECT rm_client_monitoring(artifact='Custom.Life') AS T FROM range(end=1000000)",
  secret_add: "SELECT secret_add(name='life', type='Webhook', secret=dict(url='https://hooks.example/x')) AS S FROM range(end=1000000)",
  secret_modify: "SELECT secret_modify(name='life', type='Webhook', add_users=['bob']) AS S FROM range(end=1000000)",
  secrets: "SELECT * FROM secrets()",
  favorites_save: "SELECT favorites_save(name='life', specs='[{\"artifact\":\"Custom.Life\"}]', type='CLIENT') AS F FROM range(end=1000000)",
  favorites_delete: "SELECT favorites_delete(name='life', type='CLIENT') AS F FROM range(end=1000000)",
  favorites_list: "SELECT * FROM favorites_list()",
  create_flow_download: "SELECT create_flow_download(client_id='C.1', flow_id='F.1', wait=TRUE) AS P FROM range(end=1000000)",
  create_hunt_download: "SELECT create_hunt_download(hunt_id='H.1', wait=TRUE) AS P FROM range(end=1000000)",
  file_store: "SELECT file_store(path='/downloads/C.1/F.1/x.zip') AS P FROM range(end=1000000)",
  user_options: "SELECT user_options(user='alice', theme='dark') AS O FROM range(end=1000000)",
  // The developer builtins read services.diagnostics; the profiles of this thread need no service,
  // so their abort case waits in sleep() after them.
  profile: "SELECT * FROM profile(logs=TRUE, metrics=TRUE, queries=TRUE)",
  profile_goroutines: "SELECT * FROM profile_goroutines() WHERE sleep(time=if(condition=Hang, then=60, else=0))",
  profile_memory: "SELECT * FROM profile_memory() WHERE sleep(time=if(condition=Hang, then=60, else=0))",
  trace: "SELECT trace() AS T FROM range(end=1000000)",
  logging: "SELECT * FROM logging(prelog=TRUE)",
  file_store_delete: "SELECT file_store_delete(path='/downloads/C.1/F.1/x.zip') AS P FROM range(end=1000000)",
  inventory: "SELECT * FROM inventory()",
  inventory_get: "SELECT inventory_get(tool='Life') AS T FROM range(end=1000000)",
  inventory_add: "SELECT inventory_add(tool='Life', file='bytes', accessor='data') AS T FROM range(end=1000000)",
  // Refused at once (metadata is never allowed by a range) when answering; the secret's
  // resolution is what hangs in the abort case.
  http_client: "SELECT * FROM http_client(url='secret://life')",
  alerts: "SELECT * FROM alerts()",
  alert_update: `SELECT alert_update(id='A.LIFE000000001', status='acknowledged') AS A FROM range(end=1000000)`,
  // Delivers to a local receiver (allowed for this file) that answers 204 at once; while the
  // journal hangs it waits for alerts until the abort.
  forward_alerts: "SELECT * FROM forward_alerts(format='discord', url=Receiver)",
  // The upload plugins post clients() (endless while answering, hanging otherwise) to the
  // receiver; logscale_upload() emits no rows of its own, so the row comes after it ended.
  elastic_upload: "SELECT * FROM elastic_upload(query={SELECT * FROM clients()}, addresses=Receiver, index='life', chunk_size=1)",
  splunk_upload: "SELECT * FROM splunk_upload(query={SELECT * FROM clients()}, url=Receiver, token='t', index='life', chunk_size=1)",
  logscale_upload: "SELECT * FROM chain(a={SELECT * FROM logscale_upload(query={SELECT * FROM clients() LIMIT 3}, apibaseurl=Receiver, ingest_token='t', stats_interval=0)}, b={SELECT * FROM clients()})",
  // The cloud uploads talk to the fake cloud (uploads/fake-cloud.ts) at `Cloud`, which answers
  // in the first case and never answers in the abort case (the upload itself is what hangs).
  upload_s3: `SELECT upload_s3(file='life', accessor='data', bucket='b', credentials_key='${LIFE_CLOUD.s3.accessKeyId}', credentials_secret='${LIFE_CLOUD.s3.secretAccessKey}', endpoint=Cloud + '/s3') AS U FROM range(end=1000000)`,
  upload_gcs: "SELECT upload_gcs(file='life', accessor='data', bucket='b', project='p', credentials=GCSKey) AS U FROM range(end=1000000)",
  adx_upload: `SELECT * FROM adx_upload(query={SELECT * FROM clients()}, cluster_url=Cloud + '/adx', database='life', client_id='${LIFE_CLOUD.adx.clientId}', client_secret='${LIFE_CLOUD.adx.clientSecret}', tenant_id='${LIFE_CLOUD.adx.tenantId}', chunk_size=1)`,
  // The SMTP Creds secret names the stand-in SMTP server (startStandInSmtp); its resolution is
  // what hangs in the abort case. A negative period: the cases never throttle each other.
  "mail()": "SELECT mail(secret='life', to='a@example.org', body='b', period=-1) AS M FROM range(end=1000000)",
  "mail (plugin)": "SELECT * FROM mail(secret='life', to='a@example.org', body='b', period=-1)",
  get_flow: `SELECT get_flow(client_id='${ID}', flow_id='${FLOW}') AS F FROM range(end=1000000)`,
  delete_flow: `SELECT * FROM delete_flow(client_id='${ID}', flow_id='${FLOW}', really_do_it=TRUE)`,
  client_delete: `SELECT * FROM client_delete(client_id='${ID}')`,
  delete_events: `SELECT * FROM delete_events(artifact='Custom.Life', client_id='${ID}')`,
  gui_users: "SELECT * FROM gui_users()",
  user_create: "SELECT user_create(user='bob', roles='reader', password='a long enough password 42') AS U FROM range(end=1000000)",
  // These four answer from the run itself and never wait: aborted before they start (lifecycle.test.ts).
  whoami: "SELECT whoami() AS W FROM range(end=1000000)",
  org: "SELECT org() AS O FROM range(end=1000000)",
  orgs: "SELECT * FROM orgs()",
  help: "SELECT name FROM help()",
  // The stand-in timelines service: endless pages of events, one super-timeline listed.
  timeline_add: `SELECT timeline_add(notebook_id='${NB}', timeline='life', name='c', key='T', query={SELECT now() AS T FROM range(end=3)}) AS T FROM range(end=1000000)`,
  timeline: `SELECT * FROM timeline(notebook_id='${NB}', timeline='life')`,
  timelines: `SELECT * FROM timelines(notebook_id='${NB}')`,
  timeline_delete: `SELECT timeline_delete(notebook_id='${NB}', timeline='life', name='c') AS T FROM range(end=1000000)`,
  user_message: "SELECT user_message(user='bob', message=dict(text='hi')) AS M FROM range(end=1000000)",
  // Writes into the lifecycle test's temporary directory from data (no service to wait for).
  repack: `SELECT repack(config='{"Client":{"server_urls":["http://127.0.0.1:1/"]}}', exe='#!/usr/bin/env node', accessor='data', upload_name='life.mjs') AS R FROM range(end=1000000)`,
  deb_create: `SELECT * FROM deb_create(config='{"Client":{"server_urls":["http://127.0.0.1:1/"]}}', exe='#!/usr/bin/env node', accessor='data')`,
  rpm_create: `SELECT * FROM rpm_create(config='{"Client":{"server_urls":["http://127.0.0.1:1/"]}}', exe='#!/usr/bin/env node', accessor='data')`,
  upload_directory: "SELECT upload_directory(accessor='data', file='hello', name='life.txt', output=dirname(path=Container)) AS U FROM range(end=1000000)",
  server_frontend_cert: "SELECT server_frontend_cert() AS C FROM range(end=1000000)",
  // lifecycle.test.ts writes life.crypt (sealed frames) beside Container; the stand-in opens each batch to 1000 rows.
  read_crypto_file: "SELECT * FROM read_crypto_file(filename=path_join(components=[dirname(path=Container), 'life.crypt']))",
};

/** A builtin's key in CASES: its name, with `()` or ` (plugin)` for a name both kinds have. */
export function caseKey(b: Builtin, all: readonly Builtin[]): string {
  return all.filter((o) => o.name === b.name).length > 1 ? (b.kind === "function" ? `${b.name}()` : `${b.name} (plugin)`) : b.name;
}

/** The builtin's name of a CASES key. */
export const baseName = (key: string) => key.replace(/(\(\)| \(plugin\))$/, "");

/** Where the stand-in SMTP Creds secret points: set by startStandInSmtp(). */
export const standInSmtp = { port: 0 };

/** An SMTP server on 127.0.0.1 that takes every mail (allow 127.0.0.1 for mail() to reach it); returns its stop. */
export async function startStandInSmtp(): Promise<() => Promise<void>> {
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    hideSTARTTLS: true,
    onData(stream, _session, cb) {
      stream.resume();
      stream.on("end", () => cb());
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  standInSmtp.port = (server.server.address() as { port: number }).port;
  return () => new Promise<void>((r) => server.close(() => r()));
}

/** Builtins that never wait for a service: the abort case aborts before they start. */
export const NEVER_WAIT = new Set(["artifact_definitions", "whoami", "org", "orgs", "help", "import", "upload_directory", "server_frontend_cert"]);

export const DEF = "name: Custom.Life\ntype: CLIENT\nsources:\n  - query: SELECT 1 AS One FROM scope()\n";
const artifact: Artifact = loadArtifact(DEF).artifact!;

function client(n: number): ClientSummary {
  const at = new Date(0);
  return {
    clientId: `C.${n.toString(16).padStart(16, "0")}`,
    hostname: `host-${n}`,
    fqdn: `host-${n}.example`,
    os: "linux",
    platform: "debian",
    release: "12",
    architecture: "amd64",
    ipAddresses: [],
    macAddresses: [],
    agentName: "talon-agent",
    agentVersion: "t",
    firstSeenAt: at,
    lastSeenAt: at,
    lastIp: "",
    online: false,
    labels: [],
    metadata: {},
    lastInterrogateFlowId: "",
    lastInterrogatedAt: null,
    keyState: "active",
  };
}

function flow(n: number): FlowSummary {
  const at = new Date(0);
  return {
    flowId: `F.${n.toString(32).toUpperCase().padStart(13, "0")}`,
    clientId: ID,
    creator: "alice",
    state: "FINISHED",
    status: "",
    artifacts: ["Generic.Client.Info"],
    parameters: {},
    timeoutMs: 600_000,
    maxRows: 1000,
    createdAt: at,
    startedAt: at,
    activeAt: at,
    finishedAt: at,
    totalRows: 1,
    totalLogs: 0,
    totalUploadedFiles: 0,
    totalUploadedBytes: 0,
    artifactsWithResults: [],
    sources: [],
  };
}

function hunt(n: number): HuntSummary {
  const at = new Date(0);
  const stats = { totalClientsScheduled: 1, checking: 0, excluded: 0, pending: 0, running: 0, totalFinishedClients: 1, totalClientsWithResults: 1, totalClientsWithoutResults: 0, totalClientsWithErrors: 0, totalCollectedRows: 1, totalUploadedBytes: 0 };
  return {
    huntId: `H.${n.toString(32).toUpperCase().padStart(13, "0")}` as HuntId,
    description: "",
    tags: [],
    creator: "alice",
    state: "RUNNING",
    expired: false,
    createdAt: at,
    startedAt: at,
    stoppedAt: null,
    expiresAt: at,
    clientLimit: 0,
    includeLabels: [],
    excludeLabels: [],
    os: "ALL",
    serverCondition: "",
    clientCondition: "",
    clientRate: 0,
    artifacts: ["Generic.Client.Info"],
    parameters: {},
    timeoutMs: 600_000,
    maxRows: 1000,
    maxUploadBytes: 0,
    maxErrorPercent: 0,
    maxTotalRows: 0,
    maxTotalUploadBytes: 0,
    stopReason: "",
    stats,
  };
}

function huntClient(n: number): HuntClient {
  const at = new Date(0);
  return { clientId: client(n).clientId, fqdn: `host-${n}.example`, state: "with_results", flowId: `${flow(n).flowId}.H`, scheduledAt: at, startedAt: at, finishedAt: at, totalRows: 1, totalUploadedBytes: 0, error: "" };
}

/** Endless rows, or none until the abort. */
async function* huntRows(hang: boolean, signal?: AbortSignal) {
  if (hang) {
    await new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
    return;
  }
  for (let i = 0; !signal?.aborted; i++) {
    yield { N: i, ClientId: ID, FlowId: `${FLOW}.H`, Fqdn: "host-1.example" };
    await new Promise((r) => setImmediate(r));
  }
}

function notebookView(): NotebookView {
  const at = new Date(0).toISOString();
  return {
    id: NB, name: "Life", description: "", creator: "alice", collaborators: [], isPublic: false, createdAt: at, modifiedAt: at,
    env: [], parameters: [], cells: [cell()],
  } as unknown as NotebookView;
}

function cell(): CellView {
  const at = new Date(0).toISOString();
  return { id: "NC.LIFE0000001", type: "vql", version: 1, versions: [1], modifiedAt: at, status: "done", input: "SELECT 1 FROM scope()", runBy: "alice", durationMs: 1, error: null, output: [], tables: [], logs: [] } as unknown as CellView;
}

function alertSummary() {
  const at = new Date(0);
  return {
    id: "A.LIFE000000001", name: "Life", clientId: ID, hostname: "host-1", artifact: "Custom.Life", artifactType: "CLIENT_EVENT", severity: "high", status: "new",
    assignee: null, count: 1, firstSeen: at, lastSeen: at, lastEventData: { N: 1 }, lastFlowId: "", raisedBy: "agent", notebookId: "", cellId: "", updatedAt: at,
  };
}

/** Alerts of Server.Internal.Alerts as a checkpoint hands them out: at once, or none until the abort. */
function checkpoint(hang: boolean) {
  let n = 0;
  return {
    name: "life",
    queue: "Server.Internal.Alerts",
    next: ({ limit, signal }: { limit: number; signal: AbortSignal }) =>
      hang
        ? new Promise<[]>((resolve) => signal.addEventListener("abort", () => resolve([]), { once: true }))
        : Promise.resolve(
            Array.from({ length: Math.min(limit, 5) }, () => {
              const i = n++;
              return { id: i, cursor: `0:${i}`, queue: "Server.Internal.Alerts", at: new Date(i), clientId: "server", payload: { name: "Life", client_id: ID, severity: "high", timestamp: new Date(i).toISOString(), event_data: { N: i }, artifact: "Custom.Life" } };
            }),
          ),
    commit: () => Promise.resolve(),
  };
}

const entry = { artifact: "Custom.Life", parameters: {}, addedBy: "alice", addedAt: new Date(0).toISOString() };
const serverTable = () => ({ table: { artifacts: [entry] }, version: 1, updatedBy: "alice" });
const clientTable = () => ({ table: { artifacts: [entry], labelEvents: [{ label: "x", artifacts: [entry] }] }, version: 1, updatedBy: "alice" });

/** A journal subscription: endless events at once, or none until the signal aborts. */
function events(hang: boolean, signal: AbortSignal) {
  async function* gen() {
    if (hang) {
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      return;
    }
    for (let i = 0; !signal.aborted; i++) {
      yield { id: i, cursor: `0:${i}`, queue: "Custom.Life", at: new Date(i), clientId: "server", payload: { N: i } };
      await new Promise((r) => setImmediate(r));
    }
  }
  return Object.assign(gen(), { ready: Promise.resolve() });
}

/** Services that answer at once with full pages (so paging plugins would go on for ever), or hang. */
function standInTool(name: string) {
  return { name, version: "", url: "", githubProject: "", githubAssetRegex: "", serveLocally: true, adminOverride: true, expectedHash: "", artifact: "", filestorePath: "0".repeat(64), serveUrl: `/api/tools/download/${"0".repeat(64)}`, filename: "life.bin", hash: "1".repeat(64), size: 5 };
}

export function standInEngine(hang: boolean): VqlServices {
  const answer = <T>(v: () => T) => (hang ? new Promise<T>(() => {}) : Promise.resolve(v()));
  const page = <T>(limit: number | undefined, offset: number | undefined, make: (i: number) => T) => Array.from({ length: limit ?? 50 }, (_, i) => make((offset ?? 0) + i));
  return {
    artifacts: {
      all: () => [artifact],
      get: () => artifact,
      set: () => answer(() => ({ artifact })),
      delete: () => answer(() => undefined),
      validate: (yaml: string) => answer(() => loadArtifact(yaml)),
    },
    clients: {
      deploymentToken: () => answer(() => "life-token"),
      search: (_p: Principal, q: { offset?: number; limit?: number }) => answer(() => ({ items: page(q.limit, q.offset, client), total: Number.MAX_SAFE_INTEGER })),
      get: () => answer(() => client(1)),
      metadata: () => answer(() => ({ a: "1" })),
      setMetadata: () => answer(() => ({ a: "1" })),
      serverMetadata: () => answer(() => [["SlackToken", "https://hooks.example/x"]]),
      setServerMetadata: () => answer(() => ["SlackToken"]),
      label: () => answer(() => undefined),
      hasLabels: () => answer(() => true),
      delete: () => answer(() => [{ type: "Client", path: `/clients/${ID}` }]),
      kill: () => answer(() => undefined),
    },
    flows: {
      collect: () => answer(() => flow(1)),
      get: () => answer(() => flow(1)),
      list: (_p: Principal, _c: string, q: { offset?: number; limit?: number }) => answer(() => ({ items: page(q.limit, q.offset, flow), total: Number.MAX_SAFE_INTEGER })),
      results: (_p: Principal, q: { offset?: number; limit?: number }) => answer(() => ({ columns: ["N"], rows: page(q.limit, q.offset, (N) => ({ N })), total: Number.MAX_SAFE_INTEGER })),
      cancel: () => answer(() => ({ ...flow(1), state: "CANCELLED" })),
      delete: () => answer(() => [{ type: "CollectionContext", path: `/clients/${ID}/collections/${FLOW}` }]),
      importCollection: () => answer(() => ({ client_id: ID, session_id: FLOW, total_collected_rows: 1 })),
    },
    accounts: {
      listUsers: () => answer(() => [{ id: "a", username: "alice", role: "administrator", disabled: false, createdAt: new Date(0) }]),
      createUser: () => answer(() => ({ id: "b", username: "bob", role: "reader", disabled: false, createdAt: new Date(0) })),
      setRole: () => answer(() => undefined),
    },
    hunts: {
      create: () => answer(() => hunt(1)),
      list: (_p: Principal, q: { offset?: number; limit?: number }) => answer(() => ({ items: page(q.limit, q.offset, hunt), total: Number.MAX_SAFE_INTEGER })),
      get: () => answer(() => hunt(1)),
      request: () => answer(() => ({ artifacts: ["Generic.Client.Info"], compiled: [] })),
      clients: (_p: Principal, _h: string, q: { offset?: number; limit?: number }) => answer(() => page(q.limit, q.offset, huntClient)),
      results: (_p: Principal, q: { signal?: AbortSignal }) => huntRows(hang, q.signal),
      update: () => answer(() => hunt(1)),
      delete: () => answer(() => undefined),
      addClient: () => answer(() => true),
      rerun: () => answer(() => 1),
      estimate: () => answer(() => ({ matching: 1, online: 0 })),
    },
    monitoring: {
      serverTable: () => answer(serverTable),
      setServerTable: () => answer(serverTable),
      addServerArtifact: () => answer(serverTable),
      removeServerArtifact: () => answer(serverTable),
      clientTable: () => answer(clientTable),
      setClientTable: () => answer(clientTable),
      addClientArtifact: () => answer(clientTable),
      removeClientArtifact: () => answer(clientTable),
      logs: (_p: Principal, q: { offset?: number; limit?: number }) => answer(() => page(q.limit, q.offset, (i) => ({ at: new Date(i), clientId: "server", artifact: "Custom.Life", level: "INFO", message: `line ${i}` }))),
      sendEvent: () => answer(() => undefined),
      deleteEvents: () => answer(() => [{ type: "Events", path: `/clients/${ID}/monitoring/Custom.Life/1970-01-01.json`, rows: 1 }]),
    },
    journal: {
      isStored: () => true,
      history: (_q: string, q: { offset?: number; limit?: number }) => answer(() => page(q.limit, q.offset, (i) => ({ id: i, cursor: `0:${i}`, queue: "Custom.Life", at: new Date(i), clientId: "server", payload: { N: i } }))),
      subscribe: (_q: string, o: { signal: AbortSignal }) => events(hang, o.signal),
      checkpoint: () => checkpoint(hang),
    },
    alerts: {
      list: (_p: Principal, f: { limit: number }) => answer(() => ({ alerts: Array.from({ length: f.limit }, alertSummary), total: Number.MAX_SAFE_INTEGER })),
      update: () => answer(alertSummary),
    },
    secrets: {
      list: () => answer(() => [{ name: "life", type: "Webhook", fields: ["url"], users: [], createdBy: "alice", createdAt: new Date(0), updatedBy: "alice", updatedAt: new Date(0) }]),
      add: () => answer(() => ({ name: "life" })),
      modify: () => answer(() => ({ name: "life" })),
      remove: () => answer(() => undefined),
      resolve: (_p: Principal, _name: string, type: string) =>
        answer(() =>
          type === "SMTP Creds"
            ? { name: "life", type, values: { server: "127.0.0.1", server_port: String(standInSmtp.port) } }
            : { name: "life", type: "HTTP Secrets", values: { url: "http://169.254.169.254/latest/meta-data/" } },
        ),
    },
    diagnostics: {
      component: "server",
      logs: (after?: number) => answer(() => (after ? [] : [{ seq: 1, time: new Date(0).toISOString(), level: "INFO", msg: "started", component: "server" }])),
      queries: () => answer(() => [{ Start: new Date(0).toISOString(), Duration: 0, Query: "SELECT 1" }]),
      metrics: () => answer(() => [{ name: "process_uptime_seconds", help: "Seconds since the process started.", value: 1 }]),
    },
    userOptions: {
      get: () => answer(() => ({ theme: "", timezone: "", lang: "", org: "", links: [], default_password: "" })),
      set: () => answer(() => ({ theme: "dark", timezone: "", lang: "", org: "", links: [], default_password: "" })),
    },
    tools: {
      list: () => answer(() => Array.from({ length: 50 }, (_, i) => standInTool(`Tool${i}`))),
      get: () => answer(() => standInTool("Life")),
      add: () => answer(() => standInTool("Life")),
    },
    fileStore: {
      createFlowDownload: () => answer(() => "/downloads/C.1/F.1/C.1-F.1.zip"),
      createHuntDownload: () => answer(() => "/downloads/hunts/H.1/H.1.zip"),
      localPath: () => answer(() => "/tmp/talon/file_store/downloads/C.1/F.1/x.zip"),
      remove: () => answer(() => true),
      put: (_p: Principal, path: string, data: Uint8Array) => answer(() => ({ path, size: data.length, complete: true, createdBy: "alice", createdAt: new Date(0) })),
    },
    timelines: {
      list: () => answer(() => [{ name: "life", timelines: [] }]),
      begin: () => answer(() => "g1"),
      append: () => answer(() => undefined),
      commit: () => answer(() => ({ name: "life", timelines: [{ id: "c", startTime: "0", endTime: "0", timestampColumn: "T", messageColumn: "", timestampDescriptionColumn: "" }] })),
      discard: () => answer(() => undefined),
      read: (_p: Principal, _n: string, _t: string, q: { limit?: number; after?: { ord: number } }) =>
        answer(() => {
          const from = (q.after?.ord ?? -1) + 1;
          const events = page(q.limit, from, (i) => ({ ts: String(i * 1_000_000_000), source: "c", messageColumn: "", timestampDescriptionColumn: "", row: `{"N":${i}}` }));
          return { events, cursor: { ts: String((from + events.length - 1) * 1_000_000_000), position: 0, ord: from + events.length - 1 } };
        }),
      remove: () => answer(() => undefined),
    },
    userMessages: {
      send: () => answer(() => ({ id: 1, from: "alice", message: "{}", createdAt: new Date(0).toISOString(), read: false })),
    },
    cryptoFiles: {
      decryptBatch: () => answer(() => Array.from({ length: 1000 }, (_, i) => `{"N":${i}}\n`).join("")),
    },
    favorites: {
      list: () => answer(() => [{ name: "life", description: "", spec: [{ artifact: "Custom.Life" }], type: "CLIENT", updatedAt: new Date(0) }]),
      save: () => answer(() => ({ name: "life", description: "", spec: [{ artifact: "Custom.Life" }], type: "CLIENT", updatedAt: new Date(0) })),
      remove: () => answer(() => undefined),
    },
    notebooks: {
      list: (_p: Principal, q: { offset?: number; limit?: number }) => answer(() => ({ notebooks: page(q.limit, q.offset, () => ({ ...notebookView(), cellCount: 1 })), total: Number.MAX_SAFE_INTEGER })),
      get: () => answer(notebookView),
      create: () => answer(notebookView),
      update: () => answer(notebookView),
      addCell: () => answer(cell),
      saveCell: () => answer(cell),
      runCell: () => answer(cell),
      deleteCell: () => answer(() => undefined),
      remove: () => answer(() => undefined),
    },
  } as unknown as VqlServices;
}
