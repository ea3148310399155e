// A server stopped with SIGTERM shuts down cleanly, and the next start finds users and sessions
// where they were, quickly and without crash recovery. Runs on the project's database kind.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { freshPostgres, startTalon } from "./support/talon-process";

test("SIGTERM shuts down cleanly and a restart keeps users and sessions", async ({}, testInfo) => {
  test.setTimeout(180_000);
  const kind = testInfo.project.metadata.databaseKind as string;
  const dataDir = mkdtempSync(join(tmpdir(), "talon-restart-"));
  const pg = kind === "postgres" ? await freshPostgres(process.env.TEST_DATABASE_URL!) : undefined;
  const base = Number(process.env.E2E_PORT ?? 3100);
  const port = kind === "postgres" ? base + 21 : base + 20;
  const opts = { port, dataDir, databaseUrl: pg?.url, adminPassword: "restart-admin-pw" };
  try {
    const first = await startTalon(opts);
    const login = await fetch(`${first.url}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: first.url },
      body: JSON.stringify({ username: "admin", password: "restart-admin-pw" }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const created = await fetch(`${first.url}/api/users`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: first.url, cookie },
      body: JSON.stringify({ username: "survivor", password: "survivor-password", role: "analyst" }),
    });
    expect(created.status).toBe(201);

    expect(await first.stop("SIGTERM")).toBe(0);
    expect(first.output()).toContain("SIGTERM: shutting down");
    if (kind === "pglite") expect(existsSync(join(dataDir, "talon.lock"))).toBe(false);

    const second = await startTalon(opts);
    testInfo.annotations.push({ type: "startup-ms", description: String(second.startupMs) });
    expect(second.output()).not.toMatch(/recovery|not properly shut down/i);
    expect(second.output()).not.toContain("First start");
    const users = await fetch(`${second.url}/api/users`, { headers: { cookie } });
    expect(users.status).toBe(200);
    const names = ((await users.json()).users as { username: string }[]).map((u) => u.username);
    expect(names).toEqual(expect.arrayContaining(["admin", "survivor"]));
    expect(await second.stop("SIGINT")).toBe(0);
  } finally {
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
