// Endpoints in the browser: `talon serve` runs a local agent for this machine; it enrols, is
// online, interrogation fills its record, a Collect of Linux.Sys.Pslist shows this machine's
// processes, and a label added in the UI is found by clients(search='label:...') through
// `talon query --server` with an API key, then removed again.
import { execFile } from "node:child_process";
import { hostname, networkInterfaces } from "node:os";
import { promisify } from "node:util";
import { expect, test, unique } from "./fixtures";
import { ClientPage, ClientsPage } from "./pages/clients-page";

const run = promisify(execFile);

async function talonQuery(server: string, key: string, vql: string): Promise<unknown[]> {
  const { stdout } = await run(process.execPath, ["scripts/talon.mjs", "query", "--server", server, "--key", key, vql], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  return JSON.parse(stdout) as unknown[];
}

test("the local agent is online and interrogated; Pslist shows this machine's processes; labels reach clients() through talon query", async ({ adminPage: page, baseURL }) => {
  test.setTimeout(120_000);
  const clients = new ClientsPage(page);
  await clients.goto();
  // The local client: online, and its hostname filled in by interrogation.
  const row = clients.localClientRow(hostname());
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row.locator("[data-status]")).toHaveAttribute("data-status", "online");
  const clientId = (await row.getByRole("link").first().textContent())!.trim();
  expect(clientId).toMatch(/^C\.[0-9a-f]{16}$/);

  await row.getByRole("link", { name: clientId }).click();
  const client = new ClientPage(page);
  await expect(page.getByTestId("client-hostname")).toHaveText(hostname());
  await expect(page.getByTestId("client-os")).toContainText("linux");
  await expect(page.getByTestId("client-status")).toHaveAttribute("data-status", "online");
  // Interrogation also records this machine's network identity.
  const nics = Object.values(networkInterfaces()).flat().filter((i) => i && !i.internal);
  const mac = nics.find((i) => i!.mac !== "00:00:00:00:00:00")?.mac;
  const ipv4 = nics.find((i) => i!.family === "IPv4")?.address;
  if (mac) await expect(page.getByTestId("client-macs")).toContainText(mac);
  if (ipv4) await expect(page.getByTestId("client-ips")).toContainText(ipv4);

  await client.collect("Linux.Sys.Pslist");
  await expect(page.getByTestId("flow-state")).toHaveText("FINISHED", { timeout: 30_000 });
  const results = page.getByTestId("flow-results");
  await expect(results.locator("th", { hasText: "CommandLine" })).toBeVisible();
  // This machine's processes: the server itself runs on node.
  await expect(results.locator("td", { hasText: /^node$/ }).first()).toBeVisible();

  const label = unique("e2e-label-");
  await client.addLabel(label);
  await expect(page.getByTestId(`label-${label}`)).toBeVisible();

  // A script user with an API key finds the client by its label through the query API.
  const bot = unique("bot");
  expect((await page.request.post("/api/users", { data: { username: bot, password: "bot-password-1", role: "api" }, headers: { Origin: baseURL! } })).status()).toBe(201);
  const issued = await page.request.post("/api/api-keys", { data: { username: bot, name: "e2e" }, headers: { Origin: baseURL! } });
  const { key } = (await issued.json()) as { key: string };
  const found = await talonQuery(baseURL!, key, `SELECT client_id FROM clients(search='label:${label}')`);
  expect(found).toEqual([{ client_id: clientId }]);

  await page.getByRole("button", { name: `remove label ${label}` }).click();
  await expect(page.getByTestId(`label-${label}`)).toHaveCount(0);
  expect(await talonQuery(baseURL!, key, `SELECT client_id FROM clients(search='label:${label}')`)).toEqual([]);
});

test("a reader sees clients but cannot collect or label", async ({ adminPage: page, browser, baseURL }) => {
  const name = unique("reader");
  expect((await page.request.post("/api/users", { data: { username: name, password: "reader-password-1", role: "reader" }, headers: { Origin: baseURL! } })).status()).toBe(201);
  const ctx = await browser.newContext({ baseURL });
  const reader = await ctx.newPage();
  await reader.goto("/login");
  await reader.getByLabel("User name").fill(name);
  await reader.getByLabel("Password").fill("reader-password-1");
  await reader.getByRole("button", { name: "Sign in" }).click();
  await reader.goto("/clients");
  await expect(reader.getByTestId("clients-table").locator("tbody tr").first()).toBeVisible({ timeout: 30_000 });
  await expect(reader.getByTestId("label-add")).toHaveCount(0);
  const clientId = (await reader.getByTestId("clients-table").locator("tbody tr a").first().textContent())!.trim();
  const collect = await reader.request.post(`/api/clients/${clientId}/flows`, { data: { artifacts: ["Linux.Sys.Pslist"] }, headers: { Origin: baseURL! } });
  expect(collect.status()).toBe(403);
  const label = await reader.request.post("/api/clients/labels", { data: { clientIds: [clientId], labels: ["x"], op: "set" }, headers: { Origin: baseURL! } });
  expect(label.status()).toBe(403);
  await reader.goto(`/clients/${clientId}`);
  await expect(reader.getByTestId("client-info")).toBeVisible();
  await expect(reader.getByTestId("collect-open")).toHaveCount(0);
  await ctx.close();
});
