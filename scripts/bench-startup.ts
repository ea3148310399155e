// `npm run bench:startup`: how long `talon serve` takes to answer /api/health, on a fresh data
// dir (first start: database creation + migrations + first administrator) and on the same dir
// again (the everyday case). Needs a production build (`npx next build`) first.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTalon } from "../e2e/support/talon-process";

const runs = Number(process.argv[2] ?? 3);
const dataDir = mkdtempSync(join(tmpdir(), "talon-bench-startup-"));
try {
  const first = await startTalon({ port: 3190, dataDir, adminPassword: "bench-admin-pw" });
  await first.stop();
  console.log(`fresh data dir:    ${first.startupMs} ms`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const again = await startTalon({ port: 3190, dataDir, adminPassword: "bench-admin-pw" });
    times.push(again.startupMs);
    await again.stop();
  }
  times.sort((a, b) => a - b);
  console.log(`existing data dir: median ${times[Math.floor(times.length / 2)]} ms, max ${times.at(-1)} ms over ${runs} starts`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
