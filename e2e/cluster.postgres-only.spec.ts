// Two `talon serve` processes on one PostgreSQL, with pooled agents dialling A,B (half of them
// starting at each): clients are online as seen from either process; a collection started on B
// for an agent held by A finishes; a change made through B reaches a subscriber on A; a notebook
// cell running on A is cancelled from B; a custom artifact saved on B is used by a collection
// started on A; two browsers on different processes edit one notebook and see each other's
// edits and results; and after SIGKILL of A its agents are on B within 45 s, with nothing stored
// lost and no flow started twice. PostgreSQL only: the embedded database is one process.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { WebSocket } from "ws";
import { expect, test, type Browser } from "@playwright/test";
import { startPool, type Pool } from "@/engine/client/pool/pool";
import { ADMIN, signIn, unique } from "./fixtures";
import { NotebookPage } from "./pages/notebook-page";
import { freshPostgres, startTalon, type TalonProcess } from "./support/talon-process";

const adminUrl = process.env.TEST_DATABASE_URL;
const BASE = Number(process.env.E2E_PORT ?? 3100) + 30;
const AGENTS = 20;
const ARTIFACT = (name: string) => `name: ${name}
description: Five process rows (the cluster test's collection).
type: CLIENT
sources:
  - query: |
      SELECT Pid, Name FROM pslist() LIMIT 5
`;

test.describe.configure({ mode: "serial" });
test.skip(!adminUrl, "needs TEST_DATABASE_URL (PostgreSQL)");

let pg: { url: string; drop(): Promise<void> };
let A: TalonProcess;
let B: TalonProcess;
let pool: Pool;
let cookie = "";
const dirs = [join(".test-data", `cluster-a-${BASE}`), join(".test-data", `cluster-b-${BASE}`)];

type Json = Record<string, any>;

async function api(server: TalonProcess, method: string, path: string, body?: unknown): Promise<{ status: number; data: Json }> {
  const res = await fetch(`${server.url}${path}`, { method, headers: { cookie, Origin: server.url, ...(body ? { "Content-Type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, data: text ? (JSON.parse(text) as Json) : {} };
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const onServer = (s: TalonProcess) => pool.agents.filter((a) => a.agent.connection.currentServer === s.url);

async function finished(server: TalonProcess, clientId: string, flowId: string, timeoutMs = 30_000): Promise<Json> {
  return until(`flow ${flowId} to finish`, async () => {
    const f = (await api(server, "GET", `/api/clients/${clientId}/flows/${flowId}`)).data.flow;
    return f && ["FINISHED", "ERROR", "CANCELLED", "TIMEOUT"].includes(f.state) ? f : undefined;
  }, timeoutMs);
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  pg = await freshPostgres(adminUrl!);
  const password = ADMIN.password;
  // Both start at once: they race for the migration lock and for the first administrator.
  [A, B] = await Promise.all([
    startTalon({ port: BASE, dataDir: dirs[0]!, databaseUrl: pg.url, adminPassword: password, noLocalClient: true }),
    startTalon({ port: BASE + 1, dataDir: dirs[1]!, databaseUrl: pg.url, adminPassword: password, noLocalClient: true }),
  ]);
  const login = await fetch(`${A.url}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json", Origin: A.url }, body: JSON.stringify({ username: ADMIN.username, password }) });
  expect(login.status).toBe(200);
  cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  const { data } = await api(A, "GET", "/api/clients/token");
  pool = startPool({ servers: [A.url, B.url], spread: true, token: data.token, count: AGENTS, seed: `cluster-${randomBytes(4).toString("hex")}`, version: "e2e", log: () => {} });
  await pool.allWelcomed();
});

test.afterAll(async () => {
  await pool?.stop();
  await Promise.all([A, B].filter(Boolean).map((p) => p.stop()));
  await pg?.drop();
});

test("a session made on A is valid on B, and both see every agent online, whichever process holds it", async () => {
  expect(onServer(A).length).toBeGreaterThan(0);
  expect(onServer(B).length).toBeGreaterThan(0);
  for (const s of [A, B]) {
    const list = await until(`all agents online as seen from ${s.url}`, async () => {
      const r = await api(s, "GET", "/api/clients?q=all&limit=100");
      return r.status === 200 && r.data.total === AGENTS && r.data.items.every((c: Json) => c.online) ? r.data : undefined;
    }, 20_000);
    expect(list.items).toHaveLength(AGENTS);
  }
  const health = (await api(B, "GET", "/api/health")).data;
  expect(health.cluster.processes).toBe(2);
});

test("a collection started on B for an agent held by A runs at once and finishes", async () => {
  await api(B, "POST", "/api/artifacts", { yaml: ARTIFACT("Custom.Cluster.Rows") });
  const agent = onServer(A)[0]!.agent;
  const t0 = Date.now();
  const created = await api(B, "POST", "/api/flows", { clientIds: [agent.clientId], artifacts: ["Custom.Cluster.Rows"] });
  expect(created.status).toBe(201);
  const flowId = created.data.flows[0].flowId as string;
  const flow = await finished(B, agent.clientId, flowId, 15_000);
  expect(flow.state).toBe("FINISHED");
  expect(flow.totalRows).toBe(5);
  expect(Date.now() - t0).toBeLessThan(10_000);
});

test("a label set through B reaches a browser socket subscribed on A (journal wake-up across processes)", async () => {
  const agent = onServer(A)[0]!.agent;
  const ws = new WebSocket(`${A.url.replace("http", "ws")}/api/ws/ui`, { headers: { cookie, Origin: A.url } });
  const messages: Json[] = [];
  ws.on("message", (d) => messages.push(JSON.parse(String(d))));
  await new Promise((r, j) => (ws.once("open", r), ws.once("error", j)));
  ws.send(JSON.stringify({ type: "subscribe", topic: `client:${agent.clientId}` }));
  await until("the subscription", async () => messages.some((m) => m.type === "subscribed"), 5000);
  const t0 = Date.now();
  expect((await api(B, "POST", "/api/clients/labels", { clientIds: [agent.clientId], labels: ["ClusterLabel"], op: "set" })).status).toBeLessThan(300);
  await until("the labels message on A", async () => messages.some((m) => m.type === "labels" && m.clientId === agent.clientId), 2000);
  test.info().annotations.push({ type: "label-wakeup-ms", description: String(Date.now() - t0) });
  ws.close();
});

test("a notebook cell running on A is cancelled from B", async () => {
  const nb = (await api(A, "POST", "/api/notebooks", { name: unique("Cluster cancel "), template: "blank" })).data.notebook;
  const id = nb.id as string;
  const cellId = nb.cells[0].id as string;
  expect((await api(A, "POST", `/api/notebooks/${id}/cells/${cellId}/run`, { input: "SELECT sleep(time=120) FROM scope()" })).status).toBeLessThan(300);
  const cell = async (s: TalonProcess) => (await api(s, "GET", `/api/notebooks/${id}`)).data.notebook.cells[0];
  await until("the cell to run on A", async () => (await cell(A)).status === "running", 10_000);
  const cancel = await api(B, "POST", `/api/notebooks/${id}/cells/${cellId}/cancel`);
  expect(cancel.status).toBeLessThan(300);
  await until("the cell to be cancelled", async () => (await cell(B)).status === "cancelled", 10_000);
});

test("a custom artifact saved on B is used by a collection started on A within a second", async () => {
  const name = `Custom.Cluster.Fresh${Date.now()}`;
  expect((await api(B, "POST", "/api/artifacts", { yaml: ARTIFACT(name) })).status).toBe(201);
  const agent = onServer(B)[0]!.agent;
  const t0 = Date.now();
  const created = await until("A to know the artifact", async () => {
    const r = await api(A, "POST", "/api/flows", { clientIds: [agent.clientId], artifacts: [name] });
    return r.status === 201 ? r.data : undefined;
  }, 1000);
  test.info().annotations.push({ type: "artifact-visible-ms", description: String(Date.now() - t0) });
  const flow = await finished(A, agent.clientId, created.flows[0].flowId);
  expect(flow).toMatchObject({ state: "FINISHED", totalRows: 5 });
});

async function browserOn(browser: Browser, server: TalonProcess) {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await signIn(page, ADMIN.username, ADMIN.password);
  return { context, page };
}

test("two browsers, one on each process, edit one notebook together and see each other's results", async ({ browser }) => {
  test.setTimeout(90_000);
  const one = await browserOn(browser, A);
  const two = await browserOn(browser, B);
  const a = new NotebookPage(one.page);
  const id = await a.createFromTemplate("Blank notebook", unique("Cluster shared "));
  const b = new NotebookPage(two.page);
  await two.page.goto(`/notebooks/${id}`);
  await expect(b.cells()).toHaveCount(1);
  await expect(two.page.getByTestId("cell").first().getByTestId(/^editor-/)).toHaveAttribute("data-synced", "1");
  await expect(one.page.getByTestId("cell").first().getByTestId(/^editor-/)).toHaveAttribute("data-synced", "1");
  await a.editor(0).click();
  await one.page.keyboard.type("SELECT _value AS N FROM range(end=4)");
  await expect.poll(() => b.editorText(0), { timeout: 3000, intervals: [50] }).toBe("SELECT _value AS N FROM range(end=4)");
  await b.editor(0).click();
  await two.page.keyboard.press("End");
  await two.page.keyboard.type(" LIMIT 2");
  await expect.poll(() => a.editorText(0), { timeout: 3000, intervals: [50] }).toBe("SELECT _value AS N FROM range(end=4) LIMIT 2");
  // B's user runs the cell: the cell runs on B and its rows reach A's page live.
  await b.run(0);
  await expect(a.cell(0).getByTestId("results-row")).toHaveCount(2, { timeout: 5000 });
  await expect(b.cell(0).getByTestId("results-row")).toHaveCount(2, { timeout: 5000 });
  await one.context.close();
  await two.context.close();
});

test("after SIGKILL of A its agents are on B within 45 s; nothing stored is lost and no flow runs twice", async () => {
  test.setTimeout(120_000);
  const before = (await api(B, "POST", "/api/flows", { search: "all", artifacts: ["Custom.Cluster.Rows"] })).data;
  expect(before.count).toBe(AGENTS);
  for (const f of before.flows) await finished(B, f.clientId, f.flowId);
  const runsBefore = pool.stats().flowsDone;
  const killedAt = Date.now();
  A.child.kill("SIGKILL");
  await until("every agent to be on B", async () => onServer(B).length === AGENTS, 45_000);
  const reconnectMs = Date.now() - killedAt;
  test.info().annotations.push({ type: "failover-ms", description: String(reconnectMs) });
  expect(reconnectMs).toBeLessThan(45_000);
  await until("B to see them all online", async () => {
    const r = await api(B, "GET", "/api/clients?q=all&limit=100");
    return r.data.items?.length === AGENTS && r.data.items.every((c: Json) => c.online);
  }, 15_000);
  // What was stored before the kill is all there.
  for (const f of before.flows) {
    const flow = (await api(B, "GET", `/api/clients/${f.clientId}/flows/${f.flowId}`)).data.flow;
    expect(flow).toMatchObject({ state: "FINISHED", totalRows: 5 });
  }
  // A collection after the failover runs once per agent: the pool ran exactly AGENTS more.
  const after = (await api(B, "POST", "/api/flows", { search: "all", artifacts: ["Custom.Cluster.Rows"] })).data;
  for (const f of after.flows) expect((await finished(B, f.clientId, f.flowId)).totalRows).toBe(5);
  await new Promise((r) => setTimeout(r, 1000));
  expect(pool.stats().flowsDone - runsBefore).toBe(AGENTS);
});
