// Start-up refusals that concern the embedded database or need no database at all: run by the
// pglite project only (playwright.config.ts ignores *.pglite-only.spec.ts for postgres).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { startTalon } from "./support/talon-process";

const base = Number(process.env.E2E_PORT ?? 3100);

test("a second server on the same data dir is refused with a clear message", async () => {
  test.setTimeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), "talon-lock-"));
  try {
    const first = await startTalon({ port: base + 22, dataDir, adminPassword: "lock-admin-pw" });
    const second = await startTalon({ port: base + 23, dataDir, adminPassword: "lock-admin-pw" }).then(
      () => "started",
      (err: Error) => err.message,
    );
    expect(second).toMatch(/is in use by another Talon process \(pid \d+\)/);
    expect(second).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
    expect(await first.stop()).toBe(0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("an unreachable PostgreSQL gives a one-line error, not a stack trace", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "talon-nodb-"));
  try {
    const result = await startTalon({ port: base + 24, dataDir, databaseUrl: "postgres://nobody:secret@127.0.0.1:1/none", adminPassword: "x-admin-pw" }).then(
      () => "started",
      (err: Error) => err.message,
    );
    expect(result).toMatch(/cannot reach PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
    expect(result).not.toContain("secret");
    expect(result).not.toMatch(/\n\s+at /);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
