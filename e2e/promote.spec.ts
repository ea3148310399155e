// From a notebook cell to a running event artifact, through "Save as artifact": (i) a
// SERVER_EVENT labelling cell backtested over the last hour replays the stored interrogations of
// pooled endpoints (System.Flow.Completion) and lists the labels it would set, setting none;
// (ii) a clock() cell saved as a CLIENT_EVENT artifact backtests to nothing (no stored history,
// and a live clock has none), is enabled for a label group from the dialog, and once one pooled
// endpoint carries the label its rows arrive live on that client's Events tab while an
// unlabelled endpoint sends none.
import { randomBytes } from "node:crypto";
import { startPool, type Pool } from "@/engine/client/pool/pool";
import { expect, test, unique } from "./fixtures";
import { NotebookPage } from "./pages/notebook-page";
import { api, type Json } from "./support/api";

test.describe.configure({ mode: "serial" });

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function pooled(http: ReturnType<typeof api>, baseURL: string, count: number, prefix: string): Promise<Pool> {
  const { token } = await http.get("/api/clients/token");
  const pool = startPool({ server: baseURL, token, count, seed: `${prefix}-${randomBytes(4).toString("hex")}`, version: "e2e", log: () => {} });
  await pool.allWelcomed();
  return pool;
}

test("a SERVER_EVENT labelling cell backtested over the last hour replays pooled endpoints' interrogations and lists the labels it would set, setting none", async ({ adminPage: page, baseURL }) => {
  test.setTimeout(150_000);
  const http = api(page.request, baseURL!);
  const label = unique("bt-");
  let pool: Pool | undefined;
  try {
    // History to replay: each pooled endpoint's interrogation completes (one stored
    // System.Flow.Completion each, before its record is filled).
    pool = await pooled(http, baseURL!, 3, "e2e-backtest");
    const ids = pool.agents.map((a) => a.agent.clientId);
    await expect(async () => {
      for (const id of ids) expect((await http.client(id)).lastInterrogatedAt).toBeTruthy();
    }).toPass({ timeout: 60_000, intervals: [500] });

    const nb = new NotebookPage(page);
    await nb.createFromTemplate("Blank notebook", unique("Backtest "));
    // Only this pool's clients, so the counts below do not depend on what else ran this hour.
    await nb.setEditorText(
      0,
      `SELECT ClientId, label(client_id=ClientId, labels='${label}', op='set') AS Labelled\nFROM watch_monitoring(artifact='System.Flow.Completion')\nWHERE Flow.artifacts_with_results =~ 'Generic.Client.Info' AND ClientId =~ '^(${ids.join("|")})$'`,
    );
    const dialog = await nb.openPromoteDialog(0);
    await expect(dialog.getByTestId("artifact-type")).toHaveValue("SERVER_EVENT");
    await expect(dialog.getByTestId("artifact-problems")).toHaveText("The YAML is valid.");
    await dialog.getByTestId("backtest-hours").fill("1");
    await expect(dialog.getByTestId("backtest-hours")).toHaveValue("1");
    await dialog.getByTestId("backtest").click();

    const result = dialog.getByTestId("backtest-result");
    await expect(result).toContainText(`${ids.length} rows from`, { timeout: 60_000 });
    await expect(result).toContainText(/from \d+ events? of System\.Flow\.Completion/);
    await expect(result).toContainText(`${ids.length} actions it would have taken (none applied)`);
    const effects = dialog.getByTestId("backtest-effects");
    await expect(effects.locator("li")).toHaveCount(ids.length);
    for (const id of ids) {
      await expect(effects).toContainText(`label ${id}: set ${label}`);
      await expect(result.locator("td", { hasText: new RegExp(`^${escape(id)}$`) })).toHaveCount(1);
    }
    // At least as many completions were replayed as there are pooled clients.
    const replayed = Number(/from (\d+) events? of System\.Flow\.Completion/.exec((await result.textContent()) ?? "")?.[1]);
    expect(replayed).toBeGreaterThanOrEqual(ids.length);

    // Recorded, never applied.
    for (const id of ids) expect((await http.client(id)).labels).not.toContain(label);
    expect(((await http.get(`/api/clients?q=${encodeURIComponent(`label:${label}`)}&limit=10`)).items as Json[]).length).toBe(0);
  } finally {
    await pool?.stop();
  }
});

test("a clock cell promoted to a CLIENT_EVENT artifact for a label group: backtested (no history), enabled, its rows arrive live from a labelled pooled endpoint and none from an unlabelled one", async ({ adminPage: page, baseURL }) => {
  test.setTimeout(150_000);
  const http = api(page.request, baseURL!);
  const label = unique("e2e-promote-");
  const name = unique("Ticks ");
  const artifact = `Custom.E2E.${name.replace(/[^A-Za-z0-9]/g, "")}`;
  let pool: Pool | undefined;
  try {
    pool = await pooled(http, baseURL!, 2, "e2e-promote");
    const [labelled, plain] = pool.agents.map((a) => a.agent.clientId) as [string, string];

    const nb = new NotebookPage(page);
    await nb.createFromTemplate("Blank notebook", name);
    await nb.setEditorText(0, "SELECT Unix AS Tick FROM clock(period=1)");
    const dialog = await nb.openPromoteDialog(0);
    await dialog.getByTestId("artifact-type").selectOption("CLIENT_EVENT");
    await dialog.getByTestId("artifact-name").fill(artifact);
    await expect(dialog.getByTestId("promote-yaml")).toContainText("CLIENT_EVENT");
    await expect(dialog.getByTestId("artifact-problems")).toHaveText("The YAML is valid.");

    // Backtest: it watches no stored queue, and a live clock has no history.
    await dialog.getByTestId("backtest").click();
    const result = dialog.getByTestId("backtest-result");
    await expect(result).toContainText("0 rows from no stored queue", { timeout: 15_000 });
    await expect(result).toContainText("0 actions it would have taken (none applied)");
    await expect(dialog.getByTestId("backtest-effects")).toHaveCount(0);
    await expect(dialog.getByTestId("backtest-logs")).toContainText("clock() ticks live and has no stored history");

    // Enabling needs the saved artifact.
    await expect(dialog.getByTestId("enable-artifact")).toBeDisabled();
    await dialog.getByTestId("save-artifact").click();
    await expect(dialog.getByTestId("artifact-result")).toHaveText(new RegExp(`^Saved ${escape(artifact)}`));
    await dialog.getByTestId("enable-label").fill(label);
    await dialog.getByTestId("enable-artifact").click();
    await expect(dialog.getByTestId("enable-result")).toContainText(`${artifact} is in the client event table for label ${label}`);
    const table = await http.get("/api/monitoring/client");
    expect(table.table.labelEvents.find((g: Json) => g.label === label)?.artifacts.map((a: Json) => a.artifact)).toEqual([artifact]);
    expect(table.table.artifacts.map((a: Json) => a.artifact)).not.toContain(artifact);

    // One pooled endpoint joins the label group; the other stays out.
    await http.post("/api/clients/labels", { clientIds: [labelled], labels: [label], op: "set" });
    await page.goto(`/clients/${labelled}?tab=events`);
    const entry = page.getByTestId("client-events-tab").getByTestId(`client-event-${artifact}`);
    await expect(entry).toContainText(label);
    await entry.getByRole("button", { name: artifact }).click();
    await expect(page.getByTestId("live-tail")).toHaveAttribute("data-live", "true");
    const liveRows = page.getByTestId("live-rows");
    const count = async () => liveRows.locator("tbody tr").count();
    await expect.poll(count, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    const first = await count();
    await expect.poll(count, { timeout: 15_000 }).toBeGreaterThan(first);
    await expect(liveRows.locator("th", { hasText: "Tick" })).toBeVisible();
    expect(((await http.get(`/api/monitoring/events?artifact=${artifact}&client_id=${labelled}`)).rows as Json[]).length).toBeGreaterThan(0);

    // The unlabelled endpoint does not run it and has sent nothing for it.
    await page.goto(`/clients/${plain}?tab=events`);
    await expect(page.getByTestId("client-events-tab")).toBeVisible();
    await expect(page.getByTestId(`client-event-${artifact}`)).toHaveCount(0);
    expect(((await http.get(`/api/clients/${plain}/monitoring`)).artifacts as Json[]).map((a) => a.artifact)).not.toContain(artifact);
    expect((await http.get(`/api/monitoring/events?artifact=${artifact}&client_id=${plain}`)).rows).toEqual([]);
    const all = (await http.get(`/api/monitoring/events?artifact=${artifact}&limit=1000`)).rows as Json[];
    expect(new Set(all.map((r) => r.clientId))).toEqual(new Set([labelled]));
  } finally {
    await pool?.stop();
    await http.delete(`/api/monitoring/client/artifacts?artifact=${artifact}&label=${label}`);
  }
});
