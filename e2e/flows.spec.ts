// The selected collection on the client page (issue 14, "Flows"): the local agent collects a
// saved artifact listing this machine's users (users() reads /etc/passwd: every expected value
// below is computed here from /etc/passwd itself), logging a line per user with log() and
// uploading /etc/hostname. Its table sorts and filters on the server, the Log tab shows the
// lines the artifact logged, CSV and JSON downloads hold the rows of the view (and the audit
// log counts them), the zip holds results, log and upload, "Open in notebook" lands on a
// notebook showing the flow's rows through source(), "Copy collection" opens the Collect
// dialog with the same artifact and parameters, and Cancel stops a running collection.
import { readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import type { Page } from "@playwright/test";
import { expect, test, unique } from "./fixtures";
import { ClientPage, ClientsPage } from "./pages/clients-page";
import { api, type Json } from "./support/api";
import { parseCsv, unzipEntries } from "./support/unzip";

interface User {
  Name: string;
  Uid: number;
  Gid: number;
  Homedir: string;
  Shell: string;
}
const COLUMNS = ["Name", "Uid", "Gid", "Homedir", "Shell"] as const;

/** /etc/passwd as records, in file order. */
function passwd(): User[] {
  return readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"))
    .map((l) => l.split(":"))
    .map((f) => ({ Name: f[0]!, Uid: Number(f[2]), Gid: Number(f[3]), Homedir: f[5] ?? "", Shell: f[6] ?? "" }));
}

/** Names in table order, read from the flow results table. */
async function tableNames(page: Page): Promise<string[]> {
  const table = page.getByTestId("flow-results");
  const nameIdx = await table.locator("thead th").evaluateAll((ths) => ths.findIndex((th) => th.getAttribute("data-column") === "Name"));
  if (nameIdx < 0) return [];
  return table.locator("tbody tr").evaluateAll((trs, i) => trs.map((tr) => (tr.children[i] as HTMLElement | undefined)?.innerText.trim() ?? ""), nameIdx);
}

async function download(page: Page, testId: string): Promise<{ name: string; text: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
  const bytes = readFileSync((await d.path())!);
  return { name: d.suggestedFilename(), text: bytes.toString("utf8"), bytes };
}

const artifact = unique("Custom.E2E.Flows");
const slow = unique("Custom.E2E.Slow");
const tag = unique("tag-");
const users = passwd();
let clientId = "";
let flowId = "";

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  const { signIn, ADMIN } = await import("./fixtures");
  await signIn(page, ADMIN.username, ADMIN.password);
  const http = api(page.request, baseURL!);
  await http.saveArtifact(
    [
      `name: ${artifact}`,
      "type: CLIENT",
      "parameters:",
      "  - name: Tag",
      "    default: none",
      "  - name: NameRegex",
      "    type: regex",
      "    default: .",
      "sources:",
      "  - name: Users",
      "    query: |",
      "      SELECT Name, Uid, Gid, Homedir, Shell FROM users()",
      "      WHERE Name =~ NameRegex AND log(message='%v: user %v uid %v', args=[Tag, Name, Uid])",
      "  - name: Upload",
      "    query: |",
      "      SELECT upload(file='/etc/hostname') AS Upload FROM scope()",
      // The source's own notebook cells: Open in notebook uses them, with ClientId, FlowId and
      // ArtifactName set as the notebook's variables (source() reads them).
      "    notebook:",
      "      - type: markdown",
      "        template: '## The uploaded file'",
      "      - type: vql",
      "        template: SELECT Upload.Size AS UploadedBytes FROM source(source='Upload')",
      "      - type: vql_suggestion",
      "        template: SELECT * FROM source(source='Upload')",
      "",
    ].join("\n"),
  );
  await http.saveArtifact([`name: ${slow}`, "type: CLIENT", "sources:", "  - query: SELECT sleep(time=120) AS Slept FROM scope()", ""].join("\n"));
  await ctx.close();
});

test("a collection from the local agent: sort, filter, log, downloads, zip", async ({ adminPage: page, baseURL }) => {
  test.setTimeout(120_000);
  const clients = new ClientsPage(page);
  await clients.goto();
  const row = clients.localClientRow(hostname());
  await expect(row).toBeVisible({ timeout: 30_000 });
  clientId = (await row.getByRole("link").first().textContent())!.trim();
  await row.getByRole("link", { name: clientId }).click();
  const client = new ClientPage(page);
  await client.collect(artifact, { Tag: tag });
  await expect(page.getByTestId("flow-state")).toHaveText("FINISHED", { timeout: 30_000 });
  flowId = new URL(page.url()).searchParams.get("flow")!;
  expect(flowId).toMatch(/^F\./);
  const usersTab = page.getByTestId(`tab-${artifact}/Users`);
  await expect(usersTab).toHaveText(`${artifact}/Users (${users.length})`);
  await usersTab.click();

  // Stored order first: the file's.
  await expect.poll(() => tableNames(page)).toEqual(users.map((u) => u.Name));

  // Sort by Uid on the server: numerically, descending on the second click (ties in file order).
  const byUid = [...users].map((u, i) => ({ u, i })).sort((a, b) => a.u.Uid - b.u.Uid || a.i - b.i).map((x) => x.u);
  await page.getByTestId("flow-results").locator('th[data-column="Uid"] button').click();
  await expect(page.getByTestId("flow-results").locator('th[data-column="Uid"]')).toHaveAttribute("aria-sort", "ascending");
  await expect.poll(() => tableNames(page)).toEqual(byUid.map((u) => u.Name));
  await page.getByTestId("flow-results").locator('th[data-column="Uid"] button').click();
  await expect(page.getByTestId("flow-results").locator('th[data-column="Uid"]')).toHaveAttribute("aria-sort", "descending");
  const byUidDesc = [...users].map((u, i) => ({ u, i })).sort((a, b) => b.u.Uid - a.u.Uid || a.i - b.i).map((x) => x.u);
  await expect.poll(() => tableNames(page)).toEqual(byUidDesc.map((u) => u.Name));

  // Filter in one column, then in any column; the sort stays.
  await page.getByTestId("flow-results-filter-column").selectOption("Shell");
  await page.getByTestId("flow-results-filter").fill("NOLOGIN");
  const nologin = byUidDesc.filter((u) => u.Shell.toLowerCase().includes("nologin"));
  expect(nologin.length).toBeGreaterThan(0);
  await expect.poll(() => tableNames(page)).toEqual(nologin.map((u) => u.Name));
  await expect(page.getByTestId("results-pager")).toContainText(`of ${nologin.length}`);
  await page.getByTestId("flow-results-filter-column").selectOption("");
  await page.getByTestId("flow-results-filter").fill("bash");
  const bash = byUidDesc.filter((u) => [u.Name, String(u.Uid), String(u.Gid), u.Homedir, u.Shell].some((v) => v.toLowerCase().includes("bash")));
  if (bash.length) await expect.poll(() => tableNames(page)).toEqual(bash.map((u) => u.Name));
  else await expect(page.getByTestId("flow-results-empty")).toBeVisible();
  await page.getByTestId("flow-results-filter-column").selectOption("Shell");
  await page.getByTestId("flow-results-filter").fill("nologin");
  await expect.poll(() => tableNames(page)).toEqual(nologin.map((u) => u.Name));

  // Downloads hold the view's rows in its order.
  const csv = await download(page, "flow-download-csv");
  expect(csv.name).toMatch(/\.csv$/);
  const records = parseCsv(csv.text);
  expect(records[0]).toEqual([...COLUMNS]);
  expect(records.slice(1)).toEqual(nologin.map((u) => COLUMNS.map((c) => String(u[c]))));
  const json = await download(page, "flow-download-json");
  expect(JSON.parse(json.text)).toEqual(nologin);
  // The audit log counts the rows the CSV download sent.
  const http = api(page.request, baseURL!);
  await expect
    .poll(async () => ((await http.get("/api/audit?operation=DownloadFlowResults&limit=20")).entries as Json[]).find((e) => JSON.stringify(e).includes(flowId) && JSON.stringify(e).includes('"csv"')))
    .toMatchObject({ details: expect.objectContaining({ flow_id: flowId, format: "csv", rows: nologin.length, complete: true }) });

  // The Log tab: one line per user, as log() wrote it.
  await page.getByTestId("tab-log").click();
  const log = page.getByTestId("flow-log");
  await expect(log.locator("tr")).toHaveCount(users.length);
  for (const u of [users[0]!, users[users.length - 1]!]) await expect(log).toContainText(`${tag}: user ${u.Name} uid ${u.Uid}`);
  await expect(page.getByTestId("tab-log")).toHaveText(`Log (${users.length})`);

  // The zip: results of both sources, the log and the uploaded file.
  const zip = await download(page, "flow-download-zip");
  const entries = await unzipEntries(zip.bytes);
  expect([...entries.keys()].sort()).toEqual(
    ["logs.csv", "logs.json", "manifest.json", `results/${artifact}/Upload.csv`, `results/${artifact}/Upload.json`, `results/${artifact}/Users.csv`, `results/${artifact}/Users.json`, "uploads/etc/hostname"].sort(),
  );
  const zipped = String(entries.get(`results/${artifact}/Users.json`)).trim().split("\n").map((l) => JSON.parse(l) as User);
  expect(zipped).toEqual(users);
  const logLines = String(entries.get("logs.json")).trim().split("\n").map((l) => JSON.parse(l) as { message: string });
  expect(logLines.map((l) => l.message)).toEqual(users.map((u) => `${tag}: user ${u.Name} uid ${u.Uid}`));
  expect(entries.get("uploads/etc/hostname")!.equals(readFileSync("/etc/hostname"))).toBe(true);
});

test("a bad sort or filter column is refused by the results route", async ({ adminPage: page }) => {
  expect(flowId, "the flow of the first test").not.toBe("");
  const base = `/api/clients/${clientId}/flows/${flowId}/results`;
  const source = encodeURIComponent(`${artifact}/Users`);
  const bad = await page.request.get(`${base}?artifact=${source}&sort=${encodeURIComponent("Uid') desc; --")}`);
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as Json).message).toContain("no column");
  expect((await page.request.get(`${base}/download?artifact=${source}&format=csv&filterColumn=nope&filter=x`)).status()).toBe(400);
  const ok = (await (await page.request.get(`${base}?artifact=${source}&sort=Uid&desc=1&limit=1`)).json()) as Json;
  expect(ok.rows).toEqual([[...users].sort((a, b) => b.Uid - a.Uid)[0]]);
});

test("Open in notebook lands on a notebook of source() cells showing the flow's rows", async ({ adminPage: page }) => {
  expect(flowId, "the flow of the first test").not.toBe("");
  await page.goto(`/clients/${clientId}?flow=${flowId}`);
  await page.getByTestId("flow-open-notebook").click();
  await expect(page).toHaveURL(/\/notebooks\/N\./, { timeout: 15_000 });
  const notebookId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
  const notebook = (await (await page.request.get(`/api/notebooks/${notebookId}`)).json()) as Json;
  const vql = ((notebook.notebook as Json).cells as Json[]).filter((c) => c.type === "vql").map((c) => c.input);
  expect(vql).toEqual([`SELECT Upload.Size AS UploadedBytes FROM source(source='Upload')`, `SELECT * FROM source(client_id="${clientId}", flow_id="${flowId}", artifact="${artifact}/Users")`]);
  const markdown = ((notebook.notebook as Json).cells as Json[]).filter((c) => c.type === "markdown").map((c) => c.input);
  expect(markdown).toContain("## The uploaded file");
  // The artifact's own cell ran with the notebook's ClientId/FlowId/ArtifactName: the upload's size.
  const uploadCell = page.getByTestId("cell").nth(2);
  await expect(uploadCell.getByTestId("results-table")).toContainText(String(statSync("/etc/hostname").size), { timeout: 30_000 });
  // The cells ran (heading, markdown, Upload, Users): the Users table has every user.
  const usersCell = page.getByTestId("cell").nth(3);
  await expect(usersCell.getByTestId("results-total")).toHaveText(`${users.length} rows`, { timeout: 30_000 });
  await expect(usersCell.getByTestId("results-table")).toContainText(users[0]!.Homedir);
});

test("Copy collection opens the Collect dialog with the same artifact and parameters", async ({ adminPage: page }) => {
  expect(flowId, "the flow of the first test").not.toBe("");
  await page.goto(`/clients/${clientId}?flow=${flowId}`);
  await page.getByTestId("flow-copy").click();
  const dialog = page.getByTestId("collect-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId(`collect-pick-${artifact}`)).toBeChecked({ timeout: 10_000 });
  await expect(dialog.getByTestId(`param-${artifact}-Tag`)).toHaveValue(tag);
  await expect(dialog.getByTestId(`param-${artifact}-NameRegex`)).toHaveValue(".");
  // Edited and started: a new flow with the edited parameter.
  await dialog.getByTestId(`param-${artifact}-NameRegex`).fill("^root$");
  await dialog.getByTestId("collect-start").click();
  await expect.poll(() => new URL(page.url()).searchParams.get("flow")).not.toBe(flowId);
  const copied = new URL(page.url()).searchParams.get("flow")!;
  await expect(page.getByTestId("flow-details")).toContainText(copied);
  await expect(page.getByTestId("flow-state")).toHaveText("FINISHED", { timeout: 30_000 });
  const flow = ((await (await page.request.get(`/api/clients/${clientId}/flows/${copied}`)).json()) as Json).flow as Json;
  expect(flow.artifacts).toEqual([artifact]);
  expect(flow.parameters[artifact]).toMatchObject({ Tag: tag, NameRegex: "^root$" });
  await expect(page.getByTestId(`tab-${artifact}/Users`)).toHaveText(`${artifact}/Users (${users.filter((u) => u.Name === "root").length})`);
});

test("Cancel stops a running collection from the flow panel", async ({ adminPage: page }) => {
  expect(clientId, "the client of the first test").not.toBe("");
  await page.goto(`/clients/${clientId}`);
  await new ClientPage(page).collect(slow);
  await expect(page.getByTestId("flow-state")).toHaveText("RUNNING", { timeout: 30_000 });
  await page.getByTestId("flow-cancel").click();
  await expect(page.getByTestId("flow-state")).toHaveText("CANCELLED", { timeout: 30_000 });
  await expect(page.getByTestId("flow-cancel")).toHaveCount(0);
});
