// The standing security matrix: every API route × method (read from the route files by
// scripts/security/route-table.ts, so a new route is in it by construction) × every role and
// anonymous, against the real server. Anonymous gets 401 (pages: the sign-in redirect); a role
// without the route's permission (engine/server/auth/roles.ts) gets 403; a role with it gets
// neither (400/404 for the placeholder ids is fine; a 5xx is a finding). Every state-changing
// method is refused without a same-site Origin (CSRF). Then the sockets: /api/ws/ui topics per
// role, /api/ws/collab and /api/ws/agent refusals. HTTP only: no page is rendered.
import { fileURLToPath } from "node:url";
import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { WebSocket } from "ws";
import { permissionsOf, PERMISSIONS, ROLES, type Role } from "../engine/server/auth/roles";
import { readApiRoutes, readPages, readTopicPrefixes, TOPIC_SAMPLES, type Requirement } from "../scripts/security/route-table";
import { ADMIN, expect, test, unique } from "./fixtures";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const { routes } = readApiRoutes(ROOT, PERMISSIONS);
const { pages } = readPages(ROOT);
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

type Who = { name: string; role?: Role; ctx: APIRequestContext; headers: Record<string, string>; cookie?: string; login?: [string, string] };

let baseURL = "";
const principals: Who[] = [];
let notebookId = "";

async function signedIn(username: string, password: string): Promise<{ ctx: APIRequestContext; cookie: string }> {
  const ctx = await playwrightRequest.newContext({ baseURL });
  const res = await ctx.post("/api/auth/login", { data: { username, password }, headers: { Origin: baseURL } });
  expect(res.status(), `sign-in of ${username}: ${await res.text()}`).toBe(200);
  const cookie = (await ctx.storageState()).cookies.find((c) => c.name === "talon_session");
  return { ctx, cookie: `talon_session=${cookie!.value}` };
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({}, info) => {
  baseURL = String(info.project.use.baseURL);
  const admin = await signedIn(ADMIN.username, ADMIN.password);
  principals.push({ name: "administrator", role: "administrator", ...admin, headers: { Origin: baseURL }, login: [ADMIN.username, ADMIN.password] });
  for (const role of ROLES.filter((r) => r !== "administrator")) {
    const username = unique(`mx-${role}-`);
    const password = `matrix-${role}-${Math.random().toString(36).slice(2)}-Pw`;
    const made = await admin.ctx.post("/api/users", { data: { username, password, role }, headers: { Origin: baseURL } });
    expect(made.status(), await made.text()).toBe(201);
    principals.push({ name: role, role, ...(await signedIn(username, password)), headers: { Origin: baseURL }, login: [username, password] });
    if (role === "api") {
      const key = await admin.ctx.post("/api/api-keys", { data: { username, name: "matrix" }, headers: { Origin: baseURL } });
      expect(key.status(), await key.text()).toBe(201);
      const ctx = await playwrightRequest.newContext({ baseURL });
      principals.push({ name: "api (API key)", role, ctx, headers: { Authorization: `Bearer ${(await key.json()).key}` } });
    }
  }
  principals.push({ name: "anonymous", ctx: await playwrightRequest.newContext({ baseURL }), headers: { Origin: baseURL } });
  // A private notebook of the administrator's, for the per-object topic check.
  const nb = await admin.ctx.post("/api/notebooks", { data: { name: unique("matrix-private-") }, headers: { Origin: baseURL } });
  expect(nb.status(), await nb.text()).toBe(201);
  notebookId = (await nb.json()).notebook.id;
});

test.afterAll(async () => {
  for (const p of principals) await p.ctx.dispose();
});

function expected(who: Who, req: Requirement): "pass" | 401 | 403 {
  if (req.kind === "public") return "pass";
  if (!who.role) return 401;
  if (req.kind === "signed-in") return "pass";
  return permissionsOf(who.role).has(req.permission as (typeof PERMISSIONS)[number]) ? "pass" : 403;
}

const calls = routes.flatMap((r) => r.methods.map((m) => ({ route: r, ...m })));
// Signing out ends the session the rest of the run needs: it is tried on a session of its own.
const SIGN_OUT = "/api/auth/logout";

test("the route table has every API route and page", () => {
  expect(calls.length).toBeGreaterThan(80);
  expect(pages.length).toBeGreaterThan(10);
});

for (const name of ["administrator", "investigator", "analyst", "reader", "api", "api (API key)", "anonymous"]) {
  test(`every API route × method answers ${name} as the role rules say`, async () => {
    const who = principals.find((p) => p.name === name)!;
    const wrong: string[] = [];
    const tally = { pass: 0, 401: 0, 403: 0 };
    for (const c of calls) {
      const own = c.route.pattern === SIGN_OUT && who.login ? await signedIn(...who.login) : undefined;
      const res = await (own?.ctx ?? who.ctx).fetch(c.route.path, { method: c.method, headers: who.headers, maxRedirects: 0 });
      await own?.ctx.dispose();
      const status = res.status();
      const want = expected(who, c.requirement);
      tally[want]++;
      const ok = want === "pass" ? status !== 401 && status !== 403 && status < 500 : status === want;
      if (!ok) wrong.push(`${c.method} ${c.route.path} (${c.requirement.kind === "permission" ? c.requirement.permission : c.requirement.kind}): ${status}, expected ${want === "pass" ? "neither 401 nor 403 nor 5xx" : want} — ${(await res.text()).slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
    // The matrix is not vacuous: each principal meets the outcomes its role implies.
    if (!who.role) expect(tally[401]).toBeGreaterThan(80);
    else if (who.role === "administrator") expect(tally[403]).toBe(0);
    else expect(tally[403]).toBeGreaterThan(10);
  });
}

test("every page: anonymous is sent to sign in; each role is served it (never a 5xx)", async () => {
  const wrong: string[] = [];
  for (const who of principals.filter((p) => !p.headers.Authorization)) {
    for (const page of pages) {
      const res = await who.ctx.get(page.path, { maxRedirects: 0 });
      const location = res.headers()["location"] ?? "";
      if (!who.role && !page.public) {
        if (res.status() !== 303 || !location.startsWith(`/login?next=${encodeURIComponent(page.path)}`)) wrong.push(`anonymous GET ${page.path}: ${res.status()} ${location}`);
      } else if (res.status() >= 500 || location.startsWith("/login")) wrong.push(`${who.name} GET ${page.path}: ${res.status()} ${location}`);
    }
  }
  expect(wrong).toEqual([]);
});

test("every state-changing method is refused without a same-site Origin (CSRF)", async () => {
  const admin = principals.find((p) => p.name === "administrator")!;
  const wrong: string[] = [];
  let checked = 0;
  for (const c of calls.filter((x) => STATE_CHANGING.has(x.method))) {
    const refused: Array<Record<string, string>> = [{}, { Origin: "http://evil.example" }, { Origin: "null" }, { "Sec-Fetch-Site": "cross-site" }];
    for (const headers of refused) {
      const res = await admin.ctx.fetch(c.route.path, { method: c.method, headers, maxRedirects: 0 });
      const body = await res.text();
      checked++;
      if (res.status() !== 403 || !body.includes('"csrf"')) wrong.push(`${c.method} ${c.route.path} with ${JSON.stringify(headers)}: ${res.status()} ${body.slice(0, 120)}`);
    }
  }
  expect(checked).toBeGreaterThan(100);
  expect(wrong).toEqual([]);
});

/** Opens a socket; resolves with it once open, or with the HTTP status of a refused upgrade. */
function connect(path: string, headers: Record<string, string>): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(baseURL.replace(/^http/, "ws") + path, { headers });
    // The server may speak first (the agent challenge): keep it for the caller.
    const first = new Promise<string>((r) => ws.once("message", (d) => r(String(d))));
    ws.once("open", () => resolve(Object.assign(ws, { first })));
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.once("error", () => resolve(0));
  });
}

const firstMessage = (ws: WebSocket) => (ws as WebSocket & { first: Promise<string> }).first;

test("/api/ws/ui: each role may subscribe to exactly the topics its permissions allow", async () => {
  const { prefixes } = readTopicPrefixes(ROOT);
  const samples = prefixes.flatMap((p) => TOPIC_SAMPLES[p] ?? []).map((s) => ({ ...s, topic: s.topic.replace("$NOTEBOOK", notebookId).replace("$ADMIN", ADMIN.username) }));
  const wrong: string[] = [];
  for (const who of principals.filter((p) => p.cookie)) {
    const ws = await connect("/api/ws/ui", { Cookie: who.cookie!, Origin: baseURL });
    expect(ws, who.name).toBeInstanceOf(WebSocket);
    const sock = ws as WebSocket;
    const answers = new Map<string, string>();
    sock.on("message", (d) => {
      const m = JSON.parse(String(d)) as { type: string; topic?: string };
      if (m.topic && (m.type === "subscribed" || m.type === "error")) answers.set(m.topic, m.type);
    });
    for (const s of samples) sock.send(JSON.stringify({ type: "subscribe", topic: s.topic }));
    await expect.poll(() => answers.size, { message: `${who.name}: an answer per topic` }).toBe(new Set(samples.map((s) => s.topic)).size);
    const reads = permissionsOf(who.role!).has("READ_RESULTS");
    for (const s of samples) {
      const allowed = s.who === "read" ? reads : s.who === "creator" ? who.role === "administrator" : false;
      if ((answers.get(s.topic) === "subscribed") !== allowed) wrong.push(`${who.name} ${s.topic}: ${answers.get(s.topic)}, expected ${allowed ? "subscribed" : "refused"}`);
    }
    sock.close();
  }
  expect(wrong).toEqual([]);
  // Without a session, or from another site, the upgrade itself is refused.
  const admin = principals.find((p) => p.name === "administrator")!;
  expect(await connect("/api/ws/ui", { Origin: baseURL })).toBe(401);
  expect(await connect("/api/ws/ui", { Cookie: admin.cookie!, Origin: "http://evil.example" })).toBe(403);
  expect(await connect("/api/ws/ui", { Cookie: admin.cookie! })).toBe(403);
});

test("/api/ws/collab refuses anonymous and cross-site upgrades; /api/ws/agent closes a bad hello", async () => {
  const admin = principals.find((p) => p.name === "administrator")!;
  expect(await connect("/api/ws/collab", { Origin: baseURL })).toBe(401);
  expect(await connect("/api/ws/collab", { Cookie: admin.cookie!, Origin: "http://evil.example" })).toBe(403);

  const agent = (await connect("/api/ws/agent", {})) as WebSocket;
  expect(agent).toBeInstanceOf(WebSocket);
  expect(JSON.parse(await firstMessage(agent)).type).toBe("challenge");
  const closed = new Promise<number>((r) => agent.once("close", (code) => r(code)));
  agent.send(JSON.stringify({ type: "hello", version: 1, clientId: "C.0123456789abcdef", publicKey: "A".repeat(60), signature: "B".repeat(88), agent: { name: "x", version: "1" }, inFlight: [] }));
  expect([1008, 4001]).toContain(await closed);
  // Flow data before any hello is refused too.
  const early = (await connect("/api/ws/agent", {})) as WebSocket;
  await firstMessage(early);
  const earlyClosed = new Promise<number>((r) => early.once("close", (code) => r(code)));
  early.send(JSON.stringify({ type: "heartbeat", time: 1 }));
  expect(await earlyClosed).toBe(1008);
});
