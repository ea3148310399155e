// The client page's Shell tab on the local agent: an administrator runs `uname -a` and sees this
// machine's kernel release and hostname; long output streams in while the command still runs;
// the history lists the commands with who ran them, output expandable after a reload. An
// analyst (no COLLECT_CLIENT, no EXECVE) and an investigator (COLLECT_CLIENT but no EXECVE)
// see why they cannot run one, and the collection API refuses them.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, release, tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { expect, test, userPage } from "./fixtures";
import { ClientsPage } from "./pages/clients-page";

async function localClientId(page: Page): Promise<string> {
  const clients = new ClientsPage(page);
  await clients.goto();
  const row = clients.localClientRow(hostname());
  await expect(row).toBeVisible({ timeout: 30_000 });
  return (await row.getByRole("link").first().textContent())!.trim();
}

async function runCommand(page: Page, command: string) {
  await page.getByTestId("shell-command").fill(command);
  await page.getByTestId("shell-run").click();
  // The newest entry is first; the one just started opens by itself.
  const entry = page.getByTestId("shell-history").locator("li").first();
  await expect(entry.getByTestId("shell-entry-command")).toHaveText(command);
  return entry;
}

test("an administrator runs uname -a in the Shell tab, sees this machine's output stream in, and finds it in the history", async ({ adminPage: page }) => {
  test.setTimeout(120_000);
  const clientId = await localClientId(page);
  await page.goto(`/clients/${clientId}`);
  await page.getByTestId("client-tab-shell").click();
  await expect(page).toHaveURL(new RegExp(`/clients/${clientId}\\?tab=shell$`));
  await expect(page.getByTestId("shell-blocked")).toHaveCount(0);

  const entry = await runCommand(page, "uname -a");
  await expect(entry.getByTestId("shell-entry-creator")).toHaveText("admin");
  await expect(entry.getByTestId("shell-entry-state")).toHaveText("FINISHED", { timeout: 30_000 });
  const stdout = entry.getByTestId("shell-stdout");
  await expect(stdout).toContainText(release());
  await expect(stdout).toContainText(hostname());
  await expect(stdout).toContainText(/^Linux /);
  await expect(entry.getByTestId("shell-return-code")).toHaveText("exit status 0");
  await page.screenshot({ path: "docs/screenshots/client-page.png", fullPage: true });

  // Output longer than a row (4,096 bytes) arrives while the command is still running.
  const slow = await runCommand(page, "head -c 5000 /dev/zero | tr '\\0' a; echo; sleep 5; echo second part; echo oops >&2; exit 4");
  await expect(slow.getByTestId("shell-stdout")).toContainText("a".repeat(4096), { timeout: 15_000 });
  await expect(slow.getByTestId("shell-entry-state")).toHaveText("RUNNING");
  await expect(slow.getByTestId("shell-stdout")).not.toContainText("second part");
  await expect(slow.getByTestId("shell-entry-state")).toHaveText("FINISHED", { timeout: 30_000 });
  await expect(slow.getByTestId("shell-stdout")).toContainText(`${"a".repeat(5000)}\nsecond part`);
  await expect(slow.getByTestId("shell-stderr")).toHaveText("oops");
  await expect(slow.getByTestId("shell-return-code")).toHaveText("exit status 4");

  // After a reload: both in the history, newest first, by admin; output opens on demand.
  await page.reload();
  const items = page.getByTestId("shell-history").locator("li");
  await expect(items.nth(0).getByTestId("shell-entry-command")).toHaveText(/^head -c 5000/);
  const first = items.nth(1);
  await expect(first.getByTestId("shell-entry-command")).toHaveText("uname -a");
  await expect(first.getByTestId("shell-entry-creator")).toHaveText("admin");
  await expect(first.getByTestId("shell-stdout")).toHaveCount(0);
  await first.getByTestId("shell-entry-toggle").click();
  await expect(first.getByTestId("shell-stdout")).toContainText(release());
  // The flows API lists exactly the shell collections with ?artifact=.
  const listed = await page.request.get(`/api/clients/${clientId}/flows?artifact=Linux.Sys.BashShell&limit=2`);
  const body = (await listed.json()) as { items: Array<{ artifacts: string[]; creator: string; parameters: Record<string, { Command?: string }> }> };
  expect(body.items.map((f) => [f.artifacts, f.creator, f.parameters["Linux.Sys.BashShell"]?.Command?.slice(0, 10)])).toEqual([
    [["Linux.Sys.BashShell"], "admin", "head -c 50"],
    [["Linux.Sys.BashShell"], "admin", "uname -a"],
  ]);
});

/** Enrols one more agent for this machine with the deployment token (so not the server's own host) and stops it. */
async function enrolAnotherClient(page: Page, baseURL: string): Promise<string> {
  const { token } = (await (await page.request.get("/api/clients/token")).json()) as { token: string };
  const state = mkdtempSync(join(tmpdir(), "talon-e2e-shell-agent-"));
  const child = spawn(process.execPath, ["scripts/talon.mjs", "client", "--server", baseURL, "--token", token, "--state", state], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  try {
    const clientId = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        const m = /Talon agent (C\.[0-9a-f]{16})/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.stderr!.on("data", () => {});
      child.once("exit", (code) => reject(new Error(`talon client exited (${code}): ${out}`)));
    });
    // It names itself before its enrolment is stored.
    await expect.poll(async () => (await page.request.get(`/api/clients/${clientId}`)).status(), { timeout: 30_000 }).toBe(200);
    return clientId;
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(state, { recursive: true, force: true });
  }
}

test("an analyst and an investigator see why they cannot run shell commands, and the API refuses them", async ({ adminPage, browser, baseURL }) => {
  test.setTimeout(90_000);
  const clientId = await localClientId(adminPage);
  // The local agent is the server's own host (COLLECT_SERVER): an agent enrolled with the
  // deployment token shows that the investigator is refused for EXECVE itself.
  const other = await enrolAnotherClient(adminPage, baseURL!);
  const shell = { artifacts: ["Linux.Sys.BashShell"], parameters: { "Linux.Sys.BashShell": { Command: "id" } } };
  for (const [role, missing] of [
    ["analyst", /needs the COLLECT_CLIENT and EXECVE permissions/],
    ["investigator", /needs the EXECVE permission \(/],
  ] as const) {
    const user = await userPage(adminPage, browser, baseURL!, role, "sh");
    try {
      await user.page.goto(`/clients/${clientId}?tab=shell`);
      await expect(user.page.getByTestId("shell-blocked")).toHaveText(missing);
      await expect(user.page.getByTestId("shell-command")).toBeDisabled();
      await expect(user.page.getByTestId("shell-run")).toBeDisabled();
      const post = (data: unknown) => user.page.request.post(`/api/clients/${other}/flows`, { headers: { Origin: baseURL! }, data });
      const res = await post(shell);
      expect(res.status(), role).toBe(403);
      if (role === "analyst") {
        expect(((await res.json()) as { message: string }).message).toMatch(/COLLECT_CLIENT/);
      } else {
        // The investigator may collect, just not this artifact: its required_permissions refuse it.
        expect(((await res.json()) as { message: string }).message).toMatch(/collecting Linux\.Sys\.BashShell needs the EXECVE permission/);
        expect((await post({ artifacts: ["Linux.Sys.Uptime"] })).status()).toBe(201);
      }
    } finally {
      await user.close();
    }
  }
  // Nothing ran: the other client has no shell collection.
  const listed = await adminPage.request.get(`/api/clients/${other}/flows?artifact=Linux.Sys.BashShell`);
  expect(((await listed.json()) as { total: number }).total).toBe(0);
});
