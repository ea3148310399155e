// The other process of `npm run bench:journal`: subscribes to Bench.Wake on the PostgreSQL URL
// given and prints `<n> <time received, ms since the epoch>` per event (READY once listening).
import { openDatabase } from "../drizzle";
import { createIdSource, startClusterNode } from "../engine/server/cluster";
import type { Logger } from "../engine/server/contracts";
import { startJournal } from "../engine/server/services/journal";

const quiet: Logger = { info() {}, warn() {}, error() {} };
const database = await openDatabase({ url: process.argv[2]!, migrate: false });
const controller = new AbortController();
const node = await startClusterNode({ database, clock: { now: () => new Date() }, log: quiet });
const journal = await startJournal({ database, clock: { now: () => new Date() }, log: quiet, config: {} as never, ids: createIdSource(() => node.slot(), Date.now), leases: node.leases }, controller.signal);
process.once("SIGTERM", () => {
  controller.abort();
  void journal.stop().then(() => node.stop()).then(() => database.close()).then(() => process.exit(0));
});
const events = journal.subscribe("Bench.Wake", { signal: controller.signal });
// Subscribed ("now" is fixed at the call): the parent may start appending.
setTimeout(() => process.stdout.write("READY\n"), 100);
for await (const e of events) process.stdout.write(`${e.payload.n} ${performance.timeOrigin + performance.now()}\n`);
