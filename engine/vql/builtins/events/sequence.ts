/**
 * sequence(): correlates rows of several queries (its free-form arguments, read concurrently)
 * in a window of recent rows, as Velociraptor's sequence() (vql/common/sequence.go): after each
 * new row the `query` runs with `SEQUENCE` set to the window's rows (oldest first); when it
 * yields rows they are passed on and the window is emptied. Rows older than `max_age` seconds
 * (default 30) leave the window, which holds at most 1000 rows.
 */
import { arg } from "../arg";
import { definePlugin } from "../define";
import { interleave } from "../control/chain";

const MAX_ROWS = 1000;

export const sequencePlugin = definePlugin({
  name: "sequence",
  category: "event",
  doc: "Correlate rows of several queries (free-form arguments): after each row, `query` runs over the recent rows in `SEQUENCE`; rows it yields are passed on and the window is cleared.",
  args: {
    query: arg.query().required().doc("Run this query to generate rows. The query should select from SEQUENCE which will contain the current set of rows in the sequence. The query will be run on each new row that is pushed to the sequence."),
    max_age: arg.float().default(0).min(0).doc("Maximum number of seconds to hold rows in the sequence (default 30)."),
  },
  rest: arg.any().doc("A query whose rows are pushed into the sequence."),
  async *run({ query, max_age }, ctx, rest) {
    const maxAgeMs = (max_age || 30) * 1000;
    let window: { row: unknown; at: number }[] = [];
    const sources = rest.map(([, v]) => () => ctx.toQuery(v).rows());
    for await (const row of interleave(sources, ctx.signal)) {
      const now = ctx.now();
      window.push({ row, at: now });
      window = window.filter((e) => now - e.at <= maxAgeMs).slice(-MAX_ROWS);
      let found = false;
      for await (const out of query.rows({ SEQUENCE: window.map((e) => e.row) })) {
        found = true;
        yield out;
      }
      if (found) window = [];
    }
  },
});
