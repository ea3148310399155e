// The walk a new user takes, as the README tells it: a fresh clone of this repository, `npm
// install`, `npm start` (which builds the web app, creates the embedded database and prints the
// first administrator's credentials once), sign in with those credentials, a first query in a
// notebook, and a first collection from the local agent. Nothing is reused from the suite's own
// build or data: the clone has no node_modules, no .next and no data dir. It clones what is
// committed (CI runs on a clean clone of main, so that is everything).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { NotebookPage } from "./pages/notebook-page";
import { ClientPage, ClientsPage } from "./pages/clients-page";
import { LoginPage } from "./pages/login-page";

const PORT = Number(process.env.E2E_PORT ?? 3100) + 40;

/** The environment a user's shell has: none of the suite's settings for its own servers. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(PORT), NEXT_TELEMETRY_DISABLED: "1" };
  for (const k of Object.keys(env)) if (/^(TALON_|DATABASE_URL|E2E_|TEST_DATABASE_URL|NODE_ENV|NODE_OPTIONS|npm_)/.test(k)) delete env[k];
  return env;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

test("a new user's first hour: fresh clone, npm install && npm start, sign in, first query, first collection", async ({ page }) => {
  test.setTimeout(25 * 60_000);
  const dir = mkdtempSync(join(tmpdir(), "talon-walk-"));
  const env = userEnv();
  let server: ChildProcess | undefined;
  try {
    await test.step("git clone", () => {
      const r = run("git", ["clone", "--quiet", process.cwd(), join(dir, "talon")], dir, env);
      expect(r.code, r.out).toBe(0);
    });
    const root = join(dir, "talon");

    await test.step("npm install installs on this machine's Node without engine warnings", () => {
      const r = run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], root, env);
      expect(r.code, r.out).toBe(0);
      expect(r.out).not.toContain("EBADENGINE");
    });

    let out = "";
    const creds = await test.step("npm start builds, serves, and prints the administrator's credentials once", async () => {
      server = spawn("npm", ["start"], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
      server.stdout!.on("data", (d) => (out += d));
      server.stderr!.on("data", (d) => (out += d));
      const t0 = Date.now();
      for (;;) {
        if (server.exitCode !== null) throw new Error(`npm start exited with ${server.exitCode}:\n${out}`);
        if (/ready on http/.test(out) && /password:\s+\S+/.test(out)) break;
        if (Date.now() - t0 > 15 * 60_000) throw new Error(`npm start was not ready in 15 minutes:\n${out}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const user = /user:\s+(\S+)/.exec(out)![1]!;
      const password = /password:\s+(\S+)/.exec(out)![1]!;
      expect(user).toBe("admin");
      expect(out.match(/password:/g)).toHaveLength(1);
      return { user, password };
    });

    const base = `http://127.0.0.1:${PORT}`;
    await test.step("sign in with the printed credentials", async () => {
      const login = new LoginPage(page);
      await page.goto(`${base}/login`);
      await login.signIn(creds.user, creds.password);
      await expect(page.getByTestId("signed-in-user")).toContainText("admin");
    });

    await test.step("first query: a notebook cell runs on the server", async () => {
      await page.goto(`${base}/notebooks`);
      const nb = new NotebookPage(page);
      await page.getByTestId("new-notebook").click();
      await page.getByTestId("new-notebook-name").fill("First notebook");
      await page.getByRole("radio", { name: /Blank notebook/ }).check();
      await page.getByTestId("create-notebook").click();
      await expect(page.getByTestId("notebook-name")).toHaveText("First notebook");
      // The server's own view of its endpoints; the local agent enrols and is interrogated in
      // the first seconds, so the query is run again until its row carries the hostname.
      await nb.setEditorText(0, "SELECT client_id, os_info.hostname AS Hostname, os_info.system AS OS FROM clients()");
      const table = nb.table(0);
      await expect(async () => {
        await nb.run(0);
        await expect(table.getByTestId("results-row").first()).toContainText(hostname(), { timeout: 5_000 });
      }).toPass({ timeout: 90_000 });
      await expect(table.getByTestId("results-row").first()).toContainText("linux");
    });

    await test.step("first collection: the local agent is online and returns this machine's processes", async () => {
      const clients = new ClientsPage(page);
      await page.goto(`${base}/clients`);
      const row = clients.localClientRow(hostname());
      await expect(row).toBeVisible({ timeout: 60_000 });
      await row.getByRole("link").first().click();
      await expect(page.getByTestId("client-hostname")).toHaveText(hostname(), { timeout: 60_000 });
      await new ClientPage(page).collect("Linux.Sys.Pslist");
      await expect(page.getByTestId("flow-state")).toHaveText("FINISHED", { timeout: 60_000 });
      await expect(page.getByTestId("flow-results").locator("td", { hasText: /^node$/ }).first()).toBeVisible();
    });
  } finally {
    if (server?.pid && server.exitCode === null) {
      const exited = new Promise((r) => server!.once("exit", r));
      process.kill(-server.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (server.exitCode === null) process.kill(-server.pid, "SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
