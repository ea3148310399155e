// One pool process of `npm run bench:pool` when the agents do not fit one process's open-file
// limit: `node --import tsx scripts/bench-pool-worker.ts '<json options>'`. Prints a JSON line
// of its statistics every half second, and `WELCOMED` once every agent was welcomed once.
import { startPool } from "../engine/client/pool/pool";

const o = JSON.parse(process.argv[2]!) as { servers: string[]; token: string; count: number; seed: string; rate: number };
const pool = startPool({ servers: o.servers, spread: true, token: o.token, count: o.count, seed: o.seed, startRate: o.rate, version: "bench", log: (level, message) => process.stderr.write(`pool ${level}: ${message}\n`) });
const timer = setInterval(() => process.stdout.write(`${JSON.stringify(pool.stats())}\n`), 500);
void pool.allWelcomed().then(() => process.stdout.write("WELCOMED\n"));
process.once("SIGTERM", () => {
  clearInterval(timer);
  void pool.stop().then(() => process.exit(0));
});
