// Keeping the planner's picture of the events table current. A reader's "events after this
// position, oldest first, LIMIT n" is cheap only as an ordered index scan (a merge of the
// partitions' (queue, tx, id) indexes); with stale statistics the planner expects a few rows and
// fetches every event after the position before sorting them, so a reader that fell behind
// reads its whole backlog on every page and falls further behind (measured: 31 ms against 8 ms
// per page at 10,000 events behind, growing with the backlog). PGlite has no autovacuum, and
// PostgreSQL's autoanalyze waits for 10% of a partition to change, so the journal analyzes the
// events table itself once enough has been appended: at most once a minute, after 20,000 rows.
import { queries } from "@/drizzle";
import type { Database } from "@/drizzle";
import type { Logger } from "@/engine/server/contracts";

const MIN_ROWS = 20_000;
const MIN_INTERVAL_MS = 60_000;

export function startStatistics(deps: { database: Database; log: Logger }) {
  let rows = 0;
  let last = 0;
  let running: Promise<void> | undefined;
  return {
    /** Counts appended rows; starts an ANALYZE in the background when it is due. */
    appended(n: number) {
      rows += n;
      if (running || rows < MIN_ROWS || Date.now() - last < MIN_INTERVAL_MS) return;
      rows = 0;
      last = Date.now();
      running = queries
        .analyzeEvents(deps.database.db)
        .catch((err) => deps.log.warn("could not analyze the events table", { error: (err as Error).message }))
        .finally(() => (running = undefined));
    },
    /** Resolves when a running ANALYZE ends (shutdown). */
    async idle() {
      await running;
    },
  };
}
