// The endpoint pages are live: with a page open, a collection started from another context
// (through the HTTP API) appears, gains rows and finishes; labels set elsewhere appear and go;
// an agent's online dot follows it connecting and going away. No page reload, and no polling
// while the socket is up (the pages then make no requests of their own).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "@playwright/test";
import { ADMIN, expect, signIn, test, unique } from "./fixtures";
import { ClientsPage } from "./pages/clients-page";

/** A second signed-in administrator: "someone else" acting through the API. */
async function otherAdmin(browser: Browser, baseURL: string) {
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await signIn(page, ADMIN.username, ADMIN.password);
  return { request: page.request, close: () => ctx.close() };
}

/** Marks the document so a later check proves it was never reloaded. */
async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __liveMark: number }).__liveMark = 42));
}
async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __liveMark?: number }).__liveMark)).toBe(42);
}

/** Requests the page itself makes to the clients API while `fn` runs. */
async function apiRequestsDuring(page: Page, fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const on = (r: { url(): string }) => {
    if (new URL(r.url()).pathname.startsWith("/api/clients")) seen.push(r.url());
  };
  page.on("request", on);
  try {
    await fn();
  } finally {
    page.off("request", on);
  }
  return seen;
}

/**
 * Waits until the page has made no clients API request for 1.5 s: the changes it follows come
 * from the journal, asynchronously, so the last one of a burst (an interrogation recorded just
 * after the row showed the hostname) may still be on its way.
 */
async function settled(page: Page) {
  for (let i = 0; i < 20; i++) {
    if (!(await apiRequestsDuring(page, () => new Promise((r) => setTimeout(r, 1500)))).length) return;
  }
  throw new Error("the page kept re-reading for 30 s");
}

async function localClientId(page: Page): Promise<string> {
  const clients = new ClientsPage(page);
  await clients.goto();
  const row = clients.localClientRow(hostname());
  await expect(row).toBeVisible({ timeout: 30_000 });
  return (await row.getByRole("link").first().textContent())!.trim();
}

test("a collection started through the API appears on the open client page, gains rows and finishes; labels follow", async ({ adminPage: page, browser, baseURL }) => {
  test.setTimeout(90_000);
  const clientId = await localClientId(page);
  await page.goto(`/clients/${clientId}`);
  await expect(page.getByTestId("client-page")).toHaveAttribute("data-live", "true");
  await markDocument(page);
  // Live pages do not poll: nothing is requested while nothing changes.
  expect(await apiRequestsDuring(page, () => page.waitForTimeout(4_000))).toEqual([]);

  const other = await otherAdmin(browser, baseURL!);
  try {
    const res = await other.request.post(`/api/clients/${clientId}/flows`, { data: { artifacts: ["Linux.Sys.Pslist"] }, headers: { Origin: baseURL! } });
    expect(res.status()).toBe(201);
    const { flow } = (await res.json()) as { flow: { flowId: string } };
    const row = page.getByTestId(`flow-row-${flow.flowId}`);
    // Well within the 15 s fallback poll: this came over the socket.
    await expect(row).toBeVisible({ timeout: 5_000 });
    await expect(row.locator(".state")).toHaveText("FINISHED", { timeout: 20_000 });
    await expect(row.locator("td").nth(3)).not.toHaveText("0");

    // Open it: the results are there, and the count in the tab matches the row.
    await row.getByRole("link").click();
    await expect(page.getByTestId("flow-state")).toHaveText("FINISHED");
    await expect(page.getByTestId("flow-results").locator("td", { hasText: /^node$/ }).first()).toBeVisible();

    const label = unique("live-");
    expect((await other.request.post("/api/clients/labels", { data: { clientIds: [clientId], labels: [label], op: "set" }, headers: { Origin: baseURL! } })).status()).toBeLessThan(300);
    await expect(page.getByTestId(`label-${label}`)).toBeVisible({ timeout: 5_000 });
    expect((await other.request.post("/api/clients/labels", { data: { clientIds: [clientId], labels: [label], op: "remove" }, headers: { Origin: baseURL! } })).status()).toBeLessThan(300);
    await expect(page.getByTestId(`label-${label}`)).toHaveCount(0, { timeout: 5_000 });
  } finally {
    await other.close();
  }
  await expectSameDocument(page);
});

test("an agent's online dot on the Clients list follows it connecting and going away", async ({ adminPage: page, baseURL }) => {
  test.setTimeout(90_000);
  const { token } = (await (await page.request.get("/api/clients/token")).json()) as { token: string };
  const state = mkdtempSync(join(tmpdir(), "talon-e2e-agent-"));
  let agent: ChildProcess | undefined;
  const startAgent = () =>
    new Promise<{ child: ChildProcess; clientId: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["scripts/talon.mjs", "client", "--server", baseURL!, "--token", token, "--state", state], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        const m = /Talon agent (C\.[0-9a-f]{16})/.exec(out);
        if (m) resolve({ child, clientId: m[1]! });
      });
      child.stderr!.on("data", () => {});
      child.once("exit", (code) => reject(new Error(`talon client exited (${code}): ${out}`)));
    });
  const stopAgent = async (child: ChildProcess) => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
  try {
    // Enrol once, then go away: the client exists and is offline.
    const first = await startAgent();
    agent = first.child;
    const { clientId } = first;
    const clients = new ClientsPage(page);
    await clients.goto(`client:${clientId}`);
    const dot = page.getByTestId(`status-${clientId}`);
    await expect(dot).toHaveAttribute("data-status", "online", { timeout: 30_000 });
    // Interrogated before it goes away (else its interrogation runs when it next connects, and
    // that change makes the page re-read).
    await expect(clients.row(clientId)).toContainText(hostname(), { timeout: 30_000 });
    await settled(page);
    await stopAgent(first.child);

    await expect(page.getByTestId("clients-table")).toHaveAttribute("data-live", "true");
    await markDocument(page);
    await expect(dot).toHaveAttribute("data-status", "recent", { timeout: 5_000 });

    // Online changes of a shown client are applied in place: no request at all.
    const requests = await apiRequestsDuring(page, async () => {
      agent = (await startAgent()).child;
      await expect(dot).toHaveAttribute("data-status", "online", { timeout: 15_000 });
      await stopAgent(agent);
      await expect(dot).toHaveAttribute("data-status", "recent", { timeout: 5_000 });
    });
    expect(requests).toEqual([]);
    await expectSameDocument(page);
  } finally {
    if (agent) await stopAgent(agent);
    rmSync(state, { recursive: true, force: true });
  }
});
