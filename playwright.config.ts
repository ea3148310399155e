// End-to-end tests in Debian's Chromium (never a downloaded browser) against the production
// build served by `talon serve`: once on the embedded database, and once on PostgreSQL when
// E2E_DATABASE_URL is set (scripts/test-all.mjs sets it from TEST_DATABASE_URL).
import { defineConfig } from "@playwright/test";

// E2E_PORT moves every port the suite uses (several checkouts can test side by side).
const BASE_PORT = Number(process.env.E2E_PORT ?? 3100);
const PGLITE_PORT = BASE_PORT;
const POSTGRES_PORT = BASE_PORT + 1;
export const E2E_ADMIN_PASSWORD = "e2e-admin-password";
const pgUrl = process.env.E2E_DATABASE_URL;

const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  },
};

function server(port: number, extraEnv: Record<string, string>) {
  return {
    command: `node scripts/talon.mjs serve --port ${port}`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore" as const,
    stderr: "pipe" as const,
    // Webhook receivers of the alert tests listen on loopback: the outbound guard allows it here.
    env: { TALON_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD, TALON_NO_BUILD: "1", NEXT_TELEMETRY_DISABLED: "1", TALON_HTTP_CLIENT_ALLOW: "127.0.0.1", ...extraEnv },
    gracefulShutdown: { signal: "SIGTERM" as const, timeout: 10_000 },
  };
}

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: "reports/e2e.json" }]],
  use: { ...chromium, trace: "retain-on-failure", screenshot: "only-on-failure" },
  projects: [
    { name: "pglite", testIgnore: /postgres-only/, use: { baseURL: `http://127.0.0.1:${PGLITE_PORT}` }, metadata: { databaseKind: "pglite" } },
    ...(pgUrl
      ? [{ name: "postgres", testIgnore: /pglite-only/, use: { baseURL: `http://127.0.0.1:${POSTGRES_PORT}` }, metadata: { databaseKind: "postgres", databaseUrl: pgUrl } }]
      : []),
  ],
  webServer: [
    server(PGLITE_PORT, { TALON_DATA_DIR: `.test-data/e2e-pglite-${BASE_PORT}` }),
    ...(pgUrl ? [server(POSTGRES_PORT, { DATABASE_URL: pgUrl, TALON_DATA_DIR: `.test-data/e2e-postgres-${BASE_PORT}` })] : []),
  ],
});
