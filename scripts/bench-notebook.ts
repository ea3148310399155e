// `npm run bench:notebook`: how fast a notebook cell's results reach people and the database.
//   1. Storage, in process: a cell running `SELECT * FROM range(end=1000000)` through the
//      notebooks service and engine.queries; time from Run to the first rows published to
//      viewers and to the last row stored, on the embedded database (PGlite, on disk) and on
//      PostgreSQL when TEST_DATABASE_URL (or --pg URL) is given.
//   2. Browser (needs a production build: `npx next build`): `talon serve` on PGlite and
//      Debian's Chromium; time from the Run click to the first row on screen and to the last
//      row stored, then the frame time while scrolling the 1,000,000-row table.
// Options: --rows N (default 1000000), --no-browser, --pg URL, --port P (default 3890).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Engine, NotebookEvent, Principal } from "../engine";
import { createEngine } from "../engine/server/wiring";

const { values: args } = parseArgs({
  options: { rows: { type: "string" }, "no-browser": { type: "boolean" }, pg: { type: "string" }, port: { type: "string" } },
});
const ROWS = Number(args.rows ?? 1_000_000);
const QUERY = `SELECT * FROM range(end=${ROWS})`;
const ADMIN_PW = "bench-admin-password";

function fmt(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

async function storageRun(label: string, engine: Engine): Promise<void> {
  const signIn = await engine.accounts.signIn("admin", ADMIN_PW, { userAgent: "bench", ip: "127.0.0.1" });
  if (!signIn.ok) throw new Error(signIn.reason);
  const admin: Principal = signIn.principal;
  const nb = await engine.notebooks.create(admin, { name: "bench" });
  const cellId = nb.cells[0]!.id;
  // Warm up (a running server has compiled its code paths and opened its connections).
  await engine.notebooks.runCell(admin, nb.id, cellId, { input: "SELECT * FROM range(end=10)" });
  for (let i = 0; i < 200 && (await engine.notebooks.get(admin, nb.id)).cells[0]!.status !== "done"; i++) await new Promise((r) => setTimeout(r, 10));
  let t0 = 0;
  let firstRow = 0;
  let lastStored = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const hub = engine.ui as { publish(topic: string, m: Record<string, unknown>): void };
  const original = hub.publish.bind(hub);
  hub.publish = (topic, m) => {
    const e = m as unknown as NotebookEvent;
    if (e.type === "rows" && e.cellId === cellId && e.rows?.length && !firstRow) firstRow = performance.now() - t0;
    if (e.type === "cell-status" && e.cellId === cellId && !["queued", "running"].includes(e.status)) {
      lastStored = performance.now() - t0;
      done();
    }
    original(topic, m);
  };
  t0 = performance.now();
  await engine.notebooks.runCell(admin, nb.id, cellId, { input: QUERY });
  await finished;
  hub.publish = original;
  const cell = (await engine.notebooks.get(admin, nb.id)).cells[0]!;
  const stored = cell.tables[0]?.rowCount ?? 0;
  console.log(
    `${label.padEnd(22)} first rows to viewers ${fmt(firstRow).padStart(7)} · all ${stored.toLocaleString("en-US")} rows stored ${fmt(lastStored).padStart(7)} (${Math.round(stored / (lastStored / 1000)).toLocaleString("en-US")} rows/s) · status ${cell.status}`,
  );
}

async function storage() {
  console.log(`\n1. Storage: ${QUERY}, in process\n`);
  const dir = mkdtempSync(join(tmpdir(), "talon-bench-nb-"));
  try {
    const engine = await createEngine({ dataDir: dir, adminPassword: ADMIN_PW, log: { info() {}, warn() {}, error: (m, f) => console.error(m, f) } });
    await engine.accounts.ensureFirstAdmin();
    // A warm server: a fresh engine's query workers take 1-3 s to start (bench:startup's figure).
    await engine.queries.warmed();
    await storageRun("PGlite (on disk)", engine);
    await engine.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pg = args.pg ?? process.env.TEST_DATABASE_URL;
  if (!pg) {
    console.log("PostgreSQL              skipped (set TEST_DATABASE_URL or pass --pg URL)");
    return;
  }
  const { freshPostgres } = await import("../e2e/support/talon-process");
  const db = await freshPostgres(pg);
  const d2 = mkdtempSync(join(tmpdir(), "talon-bench-nb-"));
  try {
    const engine = await createEngine({ dataDir: d2, databaseUrl: db.url, adminPassword: ADMIN_PW, log: { info() {}, warn() {}, error: (m, f) => console.error(m, f) } });
    await engine.accounts.ensureFirstAdmin();
    await engine.queries.warmed();
    await storageRun("PostgreSQL", engine);
    await engine.close();
  } finally {
    await db.drop();
    rmSync(d2, { recursive: true, force: true });
  }
}

async function browser() {
  const port = Number(args.port ?? 3890);
  console.log(`\n2. Browser: talon serve on PGlite, Debian Chromium, ${QUERY}\n`);
  const { startTalon } = await import("../e2e/support/talon-process");
  const { chromium } = await import("@playwright/test");
  const dataDir = mkdtempSync(join(tmpdir(), "talon-bench-nb-browser-"));
  const server = await startTalon({ port, dataDir, adminPassword: ADMIN_PW });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"] });
  try {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel("User name").fill("admin");
    await page.getByLabel("Password").fill(ADMIN_PW);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    const created = await page.request.post("/api/notebooks", { data: { name: "bench" }, headers: { Origin: server.url } });
    const { notebook } = (await created.json()) as { notebook: { id: string; cells: { id: string }[] } };
    const cellId = notebook.cells[0]!.id;
    await page.request.put(`/api/notebooks/${notebook.id}/cells/${cellId}`, { data: { input: QUERY }, headers: { Origin: server.url } });
    await page.goto(`/notebooks/${notebook.id}`);
    await page.locator(".monaco-editor .view-lines").first().waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid^="editor-"]')?.getAttribute("data-synced") === "1");
    // Time from the click to the first row painted, measured in the page.
    await page.evaluate(() => {
      const w = window as unknown as { __t0: number; __first: number };
      w.__first = 0;
      const obs = new MutationObserver(() => {
        if (!w.__first && document.querySelector(".rt-row .rt-num")) {
          requestAnimationFrame(() => (w.__first = performance.now() - w.__t0));
          obs.disconnect();
        }
      });
      obs.observe(document.body, { subtree: true, childList: true });
      document.querySelector<HTMLButtonElement>('[data-testid="run-cell"]')!.addEventListener("click", () => (w.__t0 = performance.now()), { capture: true });
    });
    const wall0 = Date.now();
    await page.getByTestId("run-cell").click();
    await page.waitForFunction(() => (window as unknown as { __first: number }).__first > 0, undefined, { timeout: 60_000 });
    const firstOnScreen = await page.evaluate(() => (window as unknown as { __first: number }).__first);
    await page.waitForFunction(() => document.querySelector('[data-testid="cell"]')?.getAttribute("data-status") === "done", undefined, { timeout: 600_000, polling: 100 });
    const allStored = Date.now() - wall0;
    const total = await page.getByTestId("results-total").first().textContent();
    console.log(`Run → first row on screen   ${fmt(firstOnScreen)}`);
    console.log(`Run → last row stored       ${fmt(allStored)} (${total})`);
    // Scroll the whole table: 150 steps, one per frame, plus random jumps.
    // (A string, not a function: tsx would wrap named helpers in code the page does not have.)
    const frames = (await page.evaluate(`(async () => {
      const el = document.querySelector(".rt-scroll");
      async function measure(steps, next) {
        const gaps = [];
        let last = performance.now();
        for (let i = 0; i < steps; i++) {
          el.scrollTop = next(i);
          await new Promise((r) => requestAnimationFrame(() => r(null)));
          const now = performance.now();
          gaps.push(now - last);
          last = now;
        }
        gaps.sort((a, b) => a - b);
        const q = (p) => gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * p))];
        return { p50: q(0.5), p95: q(0.95), max: gaps[gaps.length - 1] };
      }
      const max = el.scrollHeight - el.clientHeight;
      const sweep = await measure(150, (i) => (i / 149) * max);
      const wheel = await measure(150, (i) => Math.min(max, i * 120));
      return { sweep, wheel };
    })()`)) as { sweep: { p50: number; p95: number; max: number }; wheel: { p50: number; p95: number; max: number } };
    const f = (x: { p50: number; p95: number; max: number }) => `p50 ${x.p50.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms, max ${x.max.toFixed(1)} ms`;
    console.log(`Scroll frame time, sweep of all rows in 150 frames: ${f(frames.sweep)}`);
    console.log(`Scroll frame time, 120 px per frame (wheel-like):  ${f(frames.wheel)}`);
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`Notebook bench: ${ROWS.toLocaleString("en-US")} rows. Goals: first row on screen < 300 ms; stored < 20 s on PGlite, < 10 s on PostgreSQL.`);
await storage();
if (!args["no-browser"]) await browser();
