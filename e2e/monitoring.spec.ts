// Monitoring in the browser: (a) a SERVER_EVENT artifact relaying another queue is added from
// the Monitoring page with a parameter set in its form, turns running, and rows published into
// its input (send_event through /api/v1/query) appear in its live tail, history and state; its
// parameters are edited and it is removed. (b) Velociraptor's AutomateServerLabels, added from
// the page, labels pooled Windows servers "Server" within 30 s of their enrolment, and no other
// client; a server whose label was removed gets it back within 30 s of Interrogate on its page;
// once the query is out of the server table, the bulk-removal query run in a notebook leaves no
// client labelled Server. (c) A CLIENT_EVENT artifact added to a label group from the Client events tab runs on
// a client carrying the label: its Events tab lists it with rows arriving live and stored for
// today; a client without the label shows none of it.
import { randomBytes } from "node:crypto";
import { startPool, type Pool } from "@/engine/client/pool/pool";
import { makeProfile } from "@/engine/client/pool/profiles";
import { expect, test, unique } from "./fixtures";
import { MonitoringPage } from "./pages/monitoring-page";
import { NotebookPage } from "./pages/notebook-page";
import { api, type Json } from "./support/api";

test.describe.configure({ mode: "serial" });

test("a server event artifact added from the page with a parameter runs, its rows arrive live, its parameters change, and it is removed", async ({ adminPage: page, baseURL }) => {
  test.setTimeout(120_000);
  const http = api(page.request, baseURL!);
  const relay = unique("Custom.E2E.Relay");
  await http.saveArtifact(`name: Custom.E2E.In
description: A queue only; rows come from send_event().
type: SERVER_EVENT
`);
  await http.saveArtifact(`name: ${relay}
description: Relays Custom.E2E.In, tagging each row.
type: SERVER_EVENT
parameters:
  - name: Tag
    description: Written into every relayed row.
    default: untagged
sources:
  - query: |
      SELECT Value, Tag FROM watch_monitoring(artifact='Custom.E2E.In')
`);

  const m = new MonitoringPage(page);
  await m.goto();
  await m.addServerArtifact(relay, { Tag: "from-the-form" });
  const row = m.serverRow(relay);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("event-state")).toHaveAttribute("data-state", "running", { timeout: 30_000 });
  await expect(row).toContainText("Tag=from-the-form");
  await expect(row).toContainText("admin");

  await page.getByTestId(`server-select-${relay}`).click();
  await expect(page.getByTestId("live-tail")).toHaveAttribute("data-live", "true");
  // The query subscribes to its input just after it reports running: publish until a row shows.
  let n = 0;
  await expect(async () => {
    expect((await http.query(`SELECT send_event(artifact='Custom.E2E.In', row=dict(Value=${++n})) FROM scope()`)).ok).toBe(true);
    await expect(m.liveRows().locator("td", { hasText: /^from-the-form$/ }).first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  // Newest first.
  await http.query(`SELECT send_event(artifact='Custom.E2E.In', row=dict(Value=1000)) FROM scope()`);
  await expect(m.liveRows().locator("tbody tr").first()).toContainText("1000");
  await expect(row.getByTestId("event-rows")).not.toHaveText("0", { timeout: 10_000 });

  // Stored rows and the query's log.
  await page.getByTestId("event-tab-history").click();
  await expect(page.getByTestId("history-rows").locator("td", { hasText: /^1000$/ })).toBeVisible();
  await page.getByTestId("event-tab-logs").click();
  await expect(page.getByTestId("event-logs")).toContainText("server event query started as admin");

  // New parameters restart the query with them.
  await page.getByTestId(`server-edit-${relay}`).click();
  await expect(m.dialog().getByTestId(`param-${relay}-Tag`)).toHaveValue("from-the-form");
  await m.dialog().getByTestId(`param-${relay}-Tag`).fill("edited");
  await m.save();
  await expect(row).toContainText("Tag=edited");
  await page.getByTestId("event-tab-live").click();
  await expect(async () => {
    await http.query(`SELECT send_event(artifact='Custom.E2E.In', row=dict(Value=${++n})) FROM scope()`);
    await expect(m.liveRows().locator("td", { hasText: /^edited$/ }).first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });

  await page.getByTestId(`server-remove-${relay}`).click();
  await page.getByTestId(`server-remove-${relay}-yes`).click();
  await expect(row).toHaveCount(0);
  const table = await http.get("/api/monitoring/server");
  expect(table.table.artifacts.map((a: Json) => a.artifact)).not.toContain(relay);
});

test("a failing server event artifact shows failed with its error", async ({ adminPage: page, baseURL }) => {
  const http = api(page.request, baseURL!);
  const broken = unique("Custom.E2E.Broken");
  await http.saveArtifact(`name: ${broken}
type: SERVER_EVENT
sources:
  - query: |
      SELECT * FROM watch_monitoring()
`);
  const m = new MonitoringPage(page);
  await m.goto();
  await m.addServerArtifact(broken);
  const row = m.serverRow(broken);
  await expect(row.getByTestId("event-state")).toHaveAttribute("data-state", "failed", { timeout: 30_000 });
  await expect(row.getByTestId("event-error")).toContainText("watch_monitoring");
  expect(await http.delete(`/api/monitoring/server/artifacts?artifact=${broken}`)).toBe(200);
});

const AUTOMATE_SERVER_LABELS = `name: AutomateServerLabels
type: SERVER_EVENT
sources:
- query: |
    LET interrogations = SELECT *
    FROM watch_monitoring(artifact="System.Flow.Completion")
    WHERE Flow.artifacts_with_results =~ "Generic.Client.Info/BasicInformation"

    LET results = SELECT *, ClientId
    FROM source(
       artifact="Generic.Client.Info/BasicInformation" ,
       client_id=ClientId, flow_id=FlowId)
    WHERE Platform =~ "Server"

    SELECT *
    label(client_id=ClientId, labels="Server", op="set")
    FROM foreach(row=interrogations, query=results)
`;

/** A fresh pool seed whose first `count` endpoints include Windows servers and other kinds. */
function fleetSeed(prefix: string, count: number): string {
  for (;;) {
    const seed = `${prefix}-${randomBytes(4).toString("hex")}`;
    const kinds = Array.from({ length: count }, (_, i) => makeProfile(seed, i).kind);
    const servers = kinds.filter((k) => k === "windows-server").length;
    if (servers >= 2 && count - servers >= 3) return seed;
  }
}

test("AutomateServerLabels, added from the page, labels pooled Windows servers Server within 30 s, and no other client; a manual re-interrogation re-applies it; a notebook's bulk removal removes it from all", async ({ adminPage: page, baseURL }) => {
  test.setTimeout(240_000);
  const http = api(page.request, baseURL!);
  await http.saveArtifact(AUTOMATE_SERVER_LABELS);
  const m = new MonitoringPage(page);
  await m.goto();
  if (await m.serverRow("AutomateServerLabels").count()) expect(await http.delete("/api/monitoring/server/artifacts?artifact=AutomateServerLabels")).toBe(200);
  await m.addServerArtifact("AutomateServerLabels");
  await expect(m.serverRow("AutomateServerLabels").getByTestId("event-state")).toHaveAttribute("data-state", "running", { timeout: 30_000 });

  const COUNT = 10;
  const seed = fleetSeed("e2e-labels", COUNT);
  const { token } = await http.get("/api/clients/token");
  let pool: Pool | undefined;
  try {
    pool = startPool({ server: baseURL!, token, count: COUNT, seed, version: "e2e", log: () => {} });
    await pool.allWelcomed();
    const enrolledAt = Date.now();
    const servers = pool.agents.filter((a) => a.profile.kind === "windows-server");
    const others = pool.agents.filter((a) => a.profile.kind !== "windows-server");
    expect(servers.every((s) => /^Microsoft Windows Server/.test(s.profile.platform))).toBe(true);
    const client = http.client;

    // Every server is labelled within 30 s of enrolling.
    await expect(async () => {
      for (const s of servers) expect((await client(s.agent.clientId)).labels).toContain("Server");
    }).toPass({ timeout: 30_000, intervals: [500] });
    expect(Date.now() - enrolledAt).toBeLessThan(30_000);

    // Once every pooled client is interrogated, none of the others carries the label.
    await expect(async () => {
      for (const o of others) expect((await client(o.agent.clientId)).lastInterrogatedAt).toBeTruthy();
    }).toPass({ timeout: 30_000, intervals: [500] });
    await page.waitForTimeout(2_000);
    for (const o of others) expect((await client(o.agent.clientId)).labels).not.toContain("Server");
    // Across every client: whoever carries Server is a Windows server (earlier runs' pools too).
    const labelled = (await http.get(`/api/clients?q=${encodeURIComponent("label:Server")}&limit=1000`)).items as Json[];
    expect(labelled.length).toBeGreaterThanOrEqual(servers.length);
    for (const c of labelled) expect(c.platform).toMatch(/Server/);

    // The Clients page shows it too.
    await page.goto(`/clients?q=${encodeURIComponent("label:Server")}`);
    for (const s of servers) await expect(page.getByTestId(`client-row-${s.agent.clientId}`).getByTestId("label-Server")).toBeVisible();

    // A manual re-interrogation re-applies it: unlabel one server, press Interrogate on its
    // page, and Server is back (on the open page, live) within 30 s.
    const again = servers[0]!.agent.clientId;
    await http.post("/api/clients/labels", { clientIds: [again], labels: ["Server"], op: "remove" });
    expect((await client(again)).labels).not.toContain("Server");
    await page.goto(`/clients/${again}`);
    await expect(page.getByTestId("client-page")).toHaveAttribute("data-live", "true");
    await expect(page.getByTestId("label-Server")).toHaveCount(0);
    const interrogations = page.getByTestId("flows-table").locator("tbody tr", { hasText: "Generic.Client.Info" });
    await expect(interrogations).toHaveCount(1);
    const interrogatedBefore = (await client(again)).lastInterrogatedAt as string;
    await page.getByTestId("client-interrogate").click();
    const clickedAt = Date.now();
    await expect(interrogations).toHaveCount(2);
    await expect(page.getByTestId("label-Server")).toBeVisible({ timeout: 30_000 });
    expect(Date.now() - clickedAt).toBeLessThan(30_000);
    await expect(interrogations.first().locator(".state")).toHaveText("FINISHED");
    const reinterrogated = await client(again);
    expect(reinterrogated.labels).toContain("Server");
    expect(new Date(reinterrogated.lastInterrogatedAt).getTime()).toBeGreaterThan(new Date(interrogatedBefore).getTime());

    // The bulk removal, in a notebook, once the query is out of the server table (else the next
    // interrogation labels again).
    await m.goto();
    await page.getByTestId("server-remove-AutomateServerLabels").click();
    await page.getByTestId("server-remove-AutomateServerLabels-yes").click();
    await expect(m.serverRow("AutomateServerLabels")).toHaveCount(0);
    const carrying = ((await http.get(`/api/clients?q=${encodeURIComponent("label:Server")}&limit=1000`)).items as Json[]).length;
    expect(carrying).toBeGreaterThanOrEqual(servers.length);
    const nb = new NotebookPage(page);
    await nb.createFromTemplate("Blank notebook", unique("Unlabel servers "));
    await nb.setEditorText(0, "SELECT client_id, label(client_id=client_id, labels='Server', op='remove') AS Removed\nFROM clients()\nWHERE 'Server' IN labels");
    await nb.run(0);
    await expect(nb.cell(0)).toHaveAttribute("data-status", "done", { timeout: 30_000 });
    await expect(nb.table(0).getByTestId("results-total")).toHaveText(`${carrying} rows`);
    expect((await http.get(`/api/clients?q=${encodeURIComponent("label:Server")}&limit=1000`)).items).toEqual([]);
    for (const s of servers) expect((await client(s.agent.clientId)).labels).not.toContain("Server");
  } finally {
    await pool?.stop();
    await http.delete("/api/monitoring/server/artifacts?artifact=AutomateServerLabels");
  }
});

test("a client's Events tab shows an event artifact of its label group with rows arriving live; an unlabelled client shows none of it", async ({ adminPage: page, baseURL }) => {
  test.setTimeout(120_000);
  const http = api(page.request, baseURL!);
  const tick = unique("Custom.E2E.Tick");
  const label = unique("e2e-events-");
  await http.saveArtifact(`name: ${tick}
description: A row a second.
type: CLIENT_EVENT
sources:
  - query: |
      SELECT Unix AS Tick FROM clock(period=1)
`);
  const { token } = await http.get("/api/clients/token");
  let pool: Pool | undefined;
  try {
    pool = startPool({ server: baseURL!, token, count: 2, seed: `e2e-events-${randomBytes(4).toString("hex")}`, version: "e2e", log: () => {} });
    await pool.allWelcomed();
    const [labelled, plain] = pool.agents.map((a) => a.agent.clientId) as [string, string];
    await http.post("/api/clients/labels", { clientIds: [labelled], labels: [label], op: "set" });

    // Velociraptor's flow: pick a label group (a new label here), pick the artifact, save.
    const m = new MonitoringPage(page);
    await m.goto("client");
    await m.addToLabelGroup(label, tick);
    const group = page.getByTestId(`group-${label}`);
    await expect(group.getByTestId(`label-${label}`)).toBeVisible();
    await expect(group.getByTestId(`client-row-${label}:${tick}`)).toBeVisible();
    const table = await http.get("/api/monitoring/client");
    expect(table.table.labelEvents.find((g: Json) => g.label === label)?.artifacts.map((a: Json) => a.artifact)).toEqual([tick]);

    // Across all clients: the labelled client's rows, its ClientId linking to its page.
    await group.getByTestId(`client-select-${label}:${tick}`).click();
    await expect(m.liveRows().getByRole("link", { name: labelled }).first()).toBeVisible({ timeout: 30_000 });
    await expect(m.liveRows().getByRole("link", { name: plain })).toHaveCount(0);
    await expect(m.liveRows().locator("th", { hasText: /^ClientId$/ })).toHaveCount(1);

    // The labelled client's Events tab: the artifact, for its label, with ticks arriving.
    await m.liveRows().getByRole("link", { name: labelled }).first().click();
    await expect(page).toHaveURL(new RegExp(`/clients/${labelled.replace(".", "\\.")}\\?tab=events`));
    const events = page.getByTestId("client-events-tab");
    await expect(events.getByTestId(`client-event-${tick}`)).toContainText(label);
    await expect(page.getByTestId("live-tail")).toHaveAttribute("data-live", "true");
    const count = async () => m.liveRows().locator("tbody tr").count();
    await expect.poll(count, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const first = await count();
    await expect.poll(count, { timeout: 15_000 }).toBeGreaterThan(first);
    await expect(m.liveRows().locator("th", { hasText: "Tick" })).toBeVisible();
    // One client's rows: its ClientId is data, not a link to elsewhere.
    await expect(m.liveRows().getByRole("link")).toHaveCount(0);
    await expect(m.liveRows().locator("td", { hasText: labelled }).first()).toBeVisible();
    // Today's stored rows (UTC), paged from the server.
    await page.getByTestId("event-tab-history").click();
    await expect(page.getByTestId("history-rows").locator("tbody tr").first()).toBeVisible();
    // Another day has none of them.
    await page.getByTestId("client-events-day").fill("2001-01-01");
    await expect(page.getByTestId("event-history")).toContainText("No stored rows on this day");

    // The unlabelled client does not run it.
    await page.goto(`/clients/${plain}?tab=events`);
    await expect(page.getByTestId("client-events-tab")).toBeVisible();
    await expect(page.getByTestId(`client-event-${tick}`)).toHaveCount(0);
    expect(((await http.get(`/api/clients/${plain}/monitoring`)).artifacts as Json[]).map((a) => a.artifact)).not.toContain(tick);
    if (!(await http.get("/api/monitoring/client")).table.artifacts.length) await expect(page.getByTestId("client-events-none")).toBeVisible();

    // Removed from the group on the Monitoring page.
    await m.goto("client");
    await page.getByTestId(`client-remove-${label}:${tick}`).click();
    await page.getByTestId(`client-remove-${label}:${tick}-yes`).click();
    await expect(page.getByTestId(`client-row-${label}:${tick}`)).toHaveCount(0);
  } finally {
    await pool?.stop();
    await http.delete(`/api/monitoring/client/artifacts?artifact=${tick}&label=${label}`);
  }
});
