// A process for the lease tests (test code only): `node --import tsx
// engine/integration/lease-worker.ts <postgres url> <name>`. Holds the lease `test-singleton`
// when it can and, while it holds it, handles the durable consumer `test-singleton` of
// Test.Work: for each event it records {n, by} on Test.Done in the batch's transaction (so each
// one exactly once), taking 2 ms per event so that a kill lands mid-stream. Prints
// `LEASE <epoch ms>` when it takes the lease and `DONE <n>` as it commits batches.
import { openDatabase } from "@/drizzle";
import { createIdSource, startClusterNode } from "@/engine/server/cluster";
import type { Logger } from "@/engine/server/contracts";
import { startJournal } from "@/engine/server/services/journal";

const [url, name] = process.argv.slice(2) as [string, string];
const quiet: Logger = { info() {}, warn() {}, error: (m, f) => process.stderr.write(`${m} ${JSON.stringify(f ?? {})}\n`) };
const database = await openDatabase({ url, migrate: false });
const controller = new AbortController();
const node = await startClusterNode({ database, clock: { now: () => new Date() }, log: quiet }, { tickMs: 250 });
const journal = await startJournal({ database, clock: { now: () => new Date() }, log: quiet, config: {} as never, ids: createIdSource(() => node.slot(), Date.now), leases: node.leases }, controller.signal);
const consumer = journal.consumer("test-singleton", "Test.Work", { initial: "start" });

void node.leases.hold(
  "test-singleton",
  async (signal) => {
    process.stdout.write(`LEASE ${Date.now()}\n`);
    await consumer.run(
      async (events, tx) => {
        await new Promise((r) => setTimeout(r, 2 * events.length));
        await journal.append("Test.Done", events.map((e) => ({ n: e.payload.n, by: name })), { tx });
        process.stdout.write(`DONE ${events.length}\n`);
      },
      { signal, batchSize: 25 },
    );
  },
  controller.signal,
);
process.stdout.write("READY\n");
process.once("SIGTERM", () => {
  controller.abort();
  void journal.stop().then(() => node.stop()).then(() => database.close()).then(() => process.exit(0));
});
