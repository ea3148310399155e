// The XSS corpus (engine/notebooks/testdata/xss-payloads.ts) through every place user-controlled
// text reaches the browser, rendered in Chromium: notebook Markdown and results tables (values and
// column names), an artifact's description and parameters, a client's hostname, labels and
// metadata (list and page), a hunt's description, tags, labels, condition, client and results
// (list and page), alert names and event data (inbox and detail), the audit log, and a
// server event query's logs. Everything is seeded through the API, VQL and a real agent. On each
// page: no payload ran (a `window.__xss` trap, alert/confirm/prompt hooks, dialogs), and the
// rendered content holds no script-capable element or attribute; outside Markdown (which allows
// https images) nothing made the browser fetch from another origin.
import { request as playwrightRequest, type APIRequestContext, type Page } from "@playwright/test";
import { createAgent, type Agent } from "../engine/client/agent";
import { MemoryOutbox } from "../engine/client/connection/outbox";
import { createVqlRunner } from "../engine/client/executor/vql-runner";
import { newIdentity } from "../engine/client/identity";
import { poolRegistry } from "../engine/client/pool/plugins";
import { makeProfile } from "../engine/client/pool/profiles";
import { createSyntheticSystem } from "../engine/client/pool/system";
import { XSS_PAYLOADS } from "../engine/notebooks/testdata/xss-payloads";
import { ADMIN, expect, signIn, test, unique } from "./fixtures";

test.describe.configure({ mode: "serial" });

const MARK = unique("xssmark");
// A NUL cannot be stored in PostgreSQL text or jsonb. Notebook names, descriptions, cell text,
// result column names and artifact descriptions turn it into U+FFFD, so those get the whole
// corpus; alerts and log lines (jsonb) go without its NUL payloads.
const NO_NUL = XSS_PAYLOADS.filter((p) => !p.includes("\u0000"));
const SHORT = NO_NUL.filter((p) => p.length <= 90);
const SHORT_ALL = XSS_PAYLOADS.filter((p) => p.length <= 90);
const raw = (s: string) => `'''${s}'''`; // VQL raw string: no escapes (no payload holds ''')

let baseURL = "";
let http: APIRequestContext;
let agent: Agent | undefined;
const seeded = { notebookId: "", artifact: `Custom.Xss.${MARK}`, logArtifact: `Custom.XssLog.${MARK}`, clientId: "", alertId: "" };

async function call(method: string, path: string, data?: unknown): Promise<any> {
  const res = await http.fetch(path, { method, data, headers: { Origin: baseURL } });
  const text = await res.text();
  expect(res.status(), `${method} ${path}: ${text.slice(0, 300)}`).toBeLessThan(300);
  return text && /^application\/json/.test(res.headers()["content-type"] ?? "") ? JSON.parse(text) : text;
}

async function query(vql: string) {
  const out = (await call("POST", "/api/v1/query", { query: vql })) as string;
  const last = JSON.parse(out.trim().split("\n").pop()!);
  expect(last.ok, `${vql.slice(0, 80)}: ${out.slice(-300)}`).toBe(true);
}

test.beforeAll(async ({}, info) => {
  test.setTimeout(90_000);
  baseURL = String(info.project.use.baseURL);
  http = await playwrightRequest.newContext({ baseURL });
  const login = await http.post("/api/auth/login", { data: ADMIN, headers: { Origin: baseURL } });
  expect(login.status()).toBe(200);

  // Notebook: one Markdown cell with every payload, one VQL cell whose values and column names are payloads.
  const nb = await call("POST", "/api/notebooks", { name: `${MARK} ${XSS_PAYLOADS[0]}`, description: XSS_PAYLOADS.join(" ") });
  seeded.notebookId = nb.notebook.id;
  const md = await call("POST", `/api/notebooks/${seeded.notebookId}/cells`, { type: "markdown", input: `# ${MARK}\n\n${XSS_PAYLOADS.join("\n\n")}` });
  await call("POST", `/api/notebooks/${seeded.notebookId}/cells/${md.cell.id}/run`, { type: "markdown" });
  const rows = XSS_PAYLOADS.map((p, i) => ({ Payload: p, [SHORT_ALL[i % SHORT_ALL.length]!]: `${MARK}-${i}` }));
  const vql = await call("POST", `/api/notebooks/${seeded.notebookId}/cells`, { type: "vql", input: "" });
  await call("POST", `/api/notebooks/${seeded.notebookId}/cells/${vql.cell.id}/run`, { type: "vql", input: `SELECT * FROM foreach(row=parse_json_array(data=${raw(JSON.stringify(rows))}))` });

  // Artifact: description and parameter text.
  const yaml = [
    `name: ${seeded.artifact}`,
    `description: ${JSON.stringify(`${MARK}\n\n${XSS_PAYLOADS.join("\n\n")}`)}`,
    "parameters:",
    ...SHORT.slice(0, 20).flatMap((p, i) => [`  - name: P${i}`, `    description: ${JSON.stringify(p)}`, `    default: ${JSON.stringify(p)}`]),
    "sources:",
    "  - query: SELECT * FROM scope()",
  ].join("\n");
  await call("POST", "/api/artifacts", { yaml });

  // A client whose hostname and FQDN are payloads (a real agent over the real protocol), with payload labels and metadata.
  const { token } = await call("GET", "/api/clients/token");
  const profile = { ...makeProfile(MARK, 0), hostname: `${MARK}<img src=x onerror=window.__xss='host'>`, fqdn: `<svg/onload=window.__xss='fqdn'>${MARK}` };
  agent = createAgent({
    servers: [baseURL],
    token,
    identity: newIdentity(),
    outbox: new MemoryOutbox(),
    runner: createVqlRunner(createSyntheticSystem(profile, { rate: 0 }), poolRegistry()),
    version: "e2e-xss",
    log: () => {},
    backoff: { baseMs: 200, maxMs: 2000 },
  });
  void agent.run();
  seeded.clientId = agent.clientId;
  await expect(async () => expect((await call("GET", `/api/clients/${seeded.clientId}`)).client.hostname).toContain(MARK)).toPass({ timeout: 30_000 });
  await call("POST", "/api/clients/labels", { clientIds: [seeded.clientId], labels: SHORT.slice(0, 15), op: "set" });
  await call("PUT", `/api/clients/${seeded.clientId}/metadata`, { set: Object.fromEntries(SHORT.slice(0, 25).map((p, i) => [`k${i}${p.replace(/[^A-Za-z0-9]/g, "").slice(0, 20)}`, p]).concat([["xssmark", MARK]])) });

  // Alerts: payload names and event data (raised by a server query).
  for (const p of SHORT.slice(0, 4)) await query(`SELECT alert(name=${raw(`${MARK} ${p}`)}, severity='high', Detail=${raw(p)}, All=parse_json_array(data=${raw(JSON.stringify(NO_NUL))})) FROM scope()`);
  await expect(async () => {
    const r = await call("GET", `/api/alerts?search=${encodeURIComponent(MARK)}`);
    expect(r.total).toBe(4);
    seeded.alertId = r.alerts[0].id;
  }).toPass({ timeout: 20_000 });

  // Audit: API keys named after payloads.
  for (const p of SHORT.slice(0, 20)) await call("POST", "/api/api-keys", { username: ADMIN.username, name: p });

  // Monitoring logs: a server event query that logs every payload, then idles.
  await call("POST", "/api/artifacts", {
    yaml: [`name: ${seeded.logArtifact}`, "type: SERVER_EVENT", "sources:", `  - query: ${JSON.stringify(`SELECT log(message=_value) FROM foreach(row=parse_json_array(data=${raw(JSON.stringify([MARK, ...NO_NUL]))}))`)}`].join("\n"),
  });
  await call("POST", "/api/monitoring/server/artifacts", { artifact: seeded.logArtifact, parameters: {} });
});

test.afterAll(async () => {
  await http?.fetch("/api/monitoring/server/artifacts", { method: "DELETE", data: { artifact: seeded.logArtifact }, headers: { Origin: baseURL } }).catch(() => {});
  await agent?.stop();
  await http?.dispose();
});

/** Traps every way a payload could signal it ran, before any page script. */
async function arm(page: Page): Promise<{ dialogs: string[]; external: string[] }> {
  const seen = { dialogs: [] as string[], external: [] as string[] };
  page.on("dialog", (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.origin === new URL(baseURL).origin || u.protocol === "data:" || u.protocol === "blob:") return route.continue();
    seen.external.push(route.request().url());
    return route.abort();
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __xssHits: string[] };
    w.__xssHits = [];
    Object.defineProperty(window, "__xss", { configurable: false, get: () => undefined, set: (v) => void w.__xssHits.push(String(v)) });
    for (const f of ["alert", "confirm", "prompt", "print"] as const) (window as unknown as Record<string, unknown>)[f] = (m: unknown) => void w.__xssHits.push(`${f}(${String(m)})`);
  });
  return seen;
}

/** What would have run or could run: trap hits, and unsafe elements or attributes in the page's content. */
async function unsafe(page: Page): Promise<string[]> {
  await page.waitForTimeout(400); // let onerror/onload handlers of broken images fire
  return page.evaluate(() => {
    const out = [...(window as unknown as { __xssHits: string[] }).__xssHits.map((h) => `ran: ${h}`)];
    const root = document.querySelector("main") ?? document.body;
    const BAD_TAGS = new Set(["script", "iframe", "frame", "frameset", "object", "embed", "base", "meta", "link", "applet", "style", "portal"]);
    const URL_ATTRS = new Set(["href", "src", "xlink:href", "action", "formaction", "background", "dynsrc", "lowsrc", "data", "srcdoc", "poster"]);
    for (const el of root.querySelectorAll("*")) {
      const tag = el.tagName.toLowerCase();
      // The app's own style elements (components) carry no payload text. Forms are the app's too; a
      // payload's form is caught by its javascript: action below.
      const own = tag === "style" && !/xss|javascript|expression\(|url\(/i.test(el.textContent ?? "");
      if (BAD_TAGS.has(tag) && !own) out.push(`element <${tag}> ${el.outerHTML.slice(0, 120)} in ${el.parentElement?.outerHTML.slice(0, 200)}`);
      for (const a of el.attributes) {
        const name = a.name.toLowerCase();
        if (name.startsWith("on")) out.push(`attribute ${name} on <${tag}>`);
        if (URL_ATTRS.has(name) && /^\s*(javascript|vbscript|data:text\/html)/i.test(a.value.replace(/[\u0000-\u0020]/g, ""))) out.push(`${name}=${a.value.slice(0, 80)} on <${tag}>`);
        if (name === "style" && /expression\(|javascript:|url\(/i.test(a.value)) out.push(`style=${a.value.slice(0, 80)} on <${tag}>`);
      }
    }
    return out;
  });
}

async function check(page: Page, seen: { dialogs: string[]; external: string[] }, opts: { externalOk?: boolean } = {}) {
  const found = await unsafe(page);
  expect(found, page.url()).toEqual([]);
  expect(seen.dialogs, page.url()).toEqual([]);
  if (!opts.externalOk) expect(seen.external, page.url()).toEqual([]);
}

test("notebook: Markdown and results tables (values and column names)", async ({ page }) => {
  const seen = await arm(page);
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.goto(`/notebooks/${seeded.notebookId}`);
  await expect(page.getByTestId("markdown-view").getByRole("heading", { name: MARK, exact: true })).toBeVisible();
  await expect(page.getByText(`${MARK}-0`, { exact: true })).toBeVisible({ timeout: 30_000 });
  // The results table rendered its payload column names as text.
  await expect(page.getByRole("columnheader", { name: SHORT[1]! }).first()).toBeVisible();
  await check(page, seen, { externalOk: true });
  await page.goto("/notebooks");
  await expect(page.getByText(MARK).first()).toBeVisible();
  await check(page, seen, { externalOk: true });
});

test("artifact page: description and parameters", async ({ page }) => {
  const seen = await arm(page);
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.goto(`/artifacts/${seeded.artifact}`);
  await expect(page.getByText(MARK).first()).toBeVisible();
  await check(page, seen, { externalOk: true });
  await page.goto(`/artifacts?search=${encodeURIComponent(MARK)}`);
  await check(page, seen, { externalOk: true });
});

test("clients: hostname, FQDN, labels and metadata in the list and on the client's page", async ({ page }) => {
  const seen = await arm(page);
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.goto(`/clients?q=${encodeURIComponent(`host:${MARK}`)}`);
  await expect(page.getByText(MARK).first()).toBeVisible({ timeout: 15_000 });
  await check(page, seen);
  await page.goto(`/clients/${seeded.clientId}`);
  await expect(page.getByText(MARK).first()).toBeVisible();
  await expect(page.getByText(SHORT[0]!).first()).toBeVisible();
  await check(page, seen);
});

test("hunts: description, tags, labels, condition, the payload client and its results in the list and on the hunt's page", async ({ page }) => {
  test.setTimeout(90_000);
  const made = await call("POST", "/api/hunts", {
    artifacts: ["Generic.Client.Info"],
    description: `${MARK} ${SHORT.slice(0, 10).join(" ")}`,
    tags: SHORT.slice(0, 5),
    includeLabels: [SHORT[0]!],
    serverCondition: `SELECT * FROM rows WHERE Hostname =~ '${MARK}' OR Fqdn = ${raw(SHORT[2]!)}`,
    pause: false,
  });
  const huntId = made.hunt.huntId as string;
  await expect(async () => expect((await call("GET", `/api/hunts/${huntId}`)).hunt.stats.totalClientsWithResults).toBe(1)).toPass({ timeout: 45_000 });
  const seen = await arm(page);
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.goto("/hunts");
  await expect(page.getByTestId(`hunt-row-${huntId}`)).toContainText(MARK);
  await check(page, seen);
  await page.goto(`/hunts/${huntId}`);
  await expect(page.getByTestId("hunt-page")).toContainText(SHORT[0]!);
  // The with-results queue: the client's payload FQDN as text.
  await expect(page.getByTestId(`hunt-client-${seeded.clientId}`)).toContainText(MARK);
  await check(page, seen);
  await page.getByTestId("hunt-tab-results").click();
  await expect(page.getByTestId("hunt-results-table")).toContainText(`${MARK}<img src=x onerror=window.__xss='host'>`);
  await check(page, seen);
});

test("alerts: names and event data in the inbox and on the alert's page", async ({ page }) => {
  const seen = await arm(page);
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.goto(`/alerts?search=${encodeURIComponent(MARK)}`);
  await expect(page.getByText(MARK).first()).toBeVisible();
  await check(page, seen);
  await page.goto(`/alerts/${seeded.alertId}`);
  await expect(page.getByText(MARK).first()).toBeVisible();
  await check(page, seen);
});

test("audit log: details of the operations that carried payloads", async ({ page }) => {
  const seen = await arm(page);
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.goto("/audit?operation=api_key_issue");
  await expect(page.getByRole("table", { name: "Audit entries" })).toContainText(SHORT[0]!);
  await check(page, seen);
  await page.goto("/audit");
  await check(page, seen);
});

test("monitoring: a server event query's logs", async ({ page }) => {
  const seen = await arm(page);
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.goto("/monitoring");
  await page.getByTestId(`server-select-${seeded.logArtifact}`).click();
  await page.getByTestId("event-tab-logs").click();
  await expect(page.getByTestId("event-logs")).toContainText(MARK, { timeout: 30_000 });
  await expect(page.getByTestId("event-logs")).toContainText(SHORT[1]!);
  await check(page, seen);
});

test("the detector itself: a payload that does get into the DOM is caught", async ({ page }) => {
  const seen = await arm(page);
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.goto("/notebooks");
  await page.evaluate(() => document.querySelector("main")!.insertAdjacentHTML("beforeend", '<img src="/no-such.png" onerror="window.__xss=\'control\'"><a href=" javascript:void 0">x</a>'));
  const found = await unsafe(page);
  expect(found).toEqual(expect.arrayContaining(["ran: control", "attribute onerror on <img>", "href= javascript:void 0 on <a>"]));
  expect(seen.dialogs).toEqual([]);
});
