#!/usr/bin/env node
// `npm test`: the whole suite in one run, ending with one line `N passed, N failed`.
//   1. prerequisites: Debian's chromium and a PostgreSQL server (installed when missing and
//      running as root; otherwise the exact command is printed);
//   2. type check (tsc), 3. unit and database tests (vitest, on PGlite and, with
//      TEST_DATABASE_URL, on PostgreSQL), 4. production build, 5. browser end-to-end tests
//      (Playwright in /usr/bin/chromium) against `talon serve` on both databases.
// A crashed or skipped step counts as failed, never as passed. Exit code 1 on any failure.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REPORTS = join(ROOT, "reports");
const isRoot = process.getuid?.() === 0;
const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];

function step(title) {
  process.stdout.write(`\n=== ${title} ===\n`);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit", ...opts, env: { ...process.env, ...opts.env } });
  return res.status ?? 1;
}

function capture(cmd, args) {
  const res = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8" });
  return { status: res.status ?? 1, out: (res.stdout ?? "") + (res.stderr ?? "") };
}

function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(path)) return true;
  if (!isRoot) {
    process.stdout.write(`Chromium is missing. Install it with:\n  sudo apt-get install -y chromium\n`);
    return false;
  }
  process.stdout.write("Installing Debian's chromium (apt-get install -y chromium)...\n");
  run("bash", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null"]);
  return existsSync(path);
}

function ensurePostgres() {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  if (!isRoot) {
    process.stdout.write(
      "TEST_DATABASE_URL is not set and this is not root: the suite runs on the embedded database only.\n" +
        "To include PostgreSQL: sudo apt-get install -y postgresql && sudo bash scripts/pg-up.sh, then\n" +
        "  TEST_DATABASE_URL=postgres://talon:talon@127.0.0.1:54329/talon npm test\n",
    );
    return undefined;
  }
  process.stdout.write("Starting a loopback PostgreSQL cluster for the tests (scripts/pg-up.sh)...\n");
  const res = spawnSync("bash", [join(ROOT, "scripts/pg-up.sh")], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TALON_PG_FAST: "1" }, stdio: ["ignore", "pipe", "inherit"] });
  const url = (res.stdout ?? "").trim().split("\n").pop();
  if (res.status !== 0 || !url?.startsWith("postgres://")) {
    problems.push("could not start PostgreSQL (scripts/pg-up.sh failed)");
    totals.failed++;
    return undefined;
  }
  return url;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

async function recreateDatabase(adminUrl, name) {
  const { default: postgres } = await import("postgres");
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists ${name} with (force)`);
    await sql.unsafe(`create database ${name}`);
  } finally {
    await sql.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

const started = Date.now();
rmSync(REPORTS, { recursive: true, force: true });
mkdirSync(REPORTS, { recursive: true });

step("prerequisites");
const haveChromium = ensureChromium();
const pgUrl = ensurePostgres();
if (pgUrl) process.stdout.write(`PostgreSQL for tests: ${pgUrl.replace(/:[^:@/]*@/, ":***@")}\n`);

step("type check (tsc --noEmit)");
const tsc = capture(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "."]);
if (tsc.status === 0) {
  totals.passed++;
  process.stdout.write("no type errors\n");
} else {
  totals.failed++;
  problems.push("type check failed");
  process.stdout.write(tsc.out.split("\n").slice(0, 60).join("\n") + "\n");
}

step("unit and database tests (vitest)");
const vitestJson = join(REPORTS, "vitest.json");
run(process.execPath, [join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--reporter=default", "--reporter=json", `--outputFile=${vitestJson}`], {
  env: pgUrl ? { TEST_DATABASE_URL: pgUrl } : {},
});
const v = readJson(vitestJson);
if (!v) {
  totals.failed++;
  problems.push("vitest crashed before writing its report");
} else {
  totals.passed += v.numPassedTests;
  totals.failed += v.numFailedTests;
  totals.skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  // A suite that fails to load marks its tests skipped, not failed: count the suite as failed.
  const brokenSuites = (v.testResults ?? []).filter((r) => r.status === "failed" && (r.assertionResults ?? []).every((a) => a.status !== "failed"));
  totals.failed += brokenSuites.length;
  for (const s of brokenSuites) problems.push(`test file failed to run: ${s.name.replace(ROOT, "")}`);
  if (v.numFailedTests) {
    problems.push(`${v.numFailedTests} unit test(s) failed:`);
    // Name each failure in the summary: CI keeps only the tail of the output.
    for (const r of v.testResults ?? [])
      for (const a of r.assertionResults ?? [])
        if (a.status === "failed")
          problems.push(`  ${r.name.replace(ROOT, "")} › ${a.fullName ?? a.title}: ${String(a.failureMessages?.[0] ?? "").split("\n")[0].slice(0, 300)}`);
  }
}

step("production build (next build)");
const buildStatus = run(process.execPath, [join(ROOT, "node_modules/next/dist/bin/next"), "build"], { env: { NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" } });
if (buildStatus === 0) totals.passed++;
else {
  totals.failed++;
  problems.push("next build failed");
}

step("end-to-end tests (Playwright in Debian's chromium)");
if (!haveChromium) {
  totals.failed++;
  problems.push("end-to-end tests not run: chromium is missing");
} else if (buildStatus !== 0) {
  totals.failed++;
  problems.push("end-to-end tests not run: the build failed");
} else {
  rmSync(join(ROOT, ".test-data"), { recursive: true, force: true });
  const env = { NEXT_TELEMETRY_DISABLED: "1" };
  if (pgUrl) {
    env.E2E_DATABASE_URL = await recreateDatabase(pgUrl, `talon_e2e_${process.env.E2E_PORT ?? 3100}`);
    env.TEST_DATABASE_URL = pgUrl;
  }
  run(process.execPath, [join(ROOT, "node_modules/@playwright/test/cli.js"), "test"], { env });
  const e = readJson(join(REPORTS, "e2e.json"));
  if (!e?.stats) {
    totals.failed++;
    problems.push("Playwright crashed before writing its report");
  } else {
    totals.passed += e.stats.expected + e.stats.flaky;
    totals.failed += e.stats.unexpected;
    totals.skipped += e.stats.skipped;
    if (e.stats.unexpected) {
      problems.push(`${e.stats.unexpected} end-to-end test(s) failed:`);
      const walk = (suite, file) => {
        for (const spec of suite.specs ?? [])
          for (const t of spec.tests ?? [])
            if (t.status === "unexpected") problems.push(`  [${t.projectName}] ${spec.file ?? file} › ${spec.title}: ${String(t.results?.at(-1)?.error?.message ?? "").split("\n")[0].slice(0, 300)}`);
        for (const s of suite.suites ?? []) walk(s, suite.file ?? file);
      };
      for (const s of e.suites ?? []) walk(s, s.file);
    }
    if (e.errors?.length) {
      totals.failed += e.errors.length;
      problems.push(`Playwright reported ${e.errors.length} error(s) outside tests: ${e.errors.map((x) => x.message?.split("\n")[0]).join("; ")}`);
    }
  }
}

step("summary");
process.stdout.write(`time: ${Math.round((Date.now() - started) / 1000)} s\n`);
for (const p of problems) process.stdout.write(`- ${p}\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}\n`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
