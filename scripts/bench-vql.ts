/**
 * VQL evaluator benchmark (`npm run bench:vql`): rows/s of four queries, each beside the same
 * work written as a plain TypeScript loop, and the ratio. Single-threaded (run it pinned:
 * `taskset -c 1 npm run bench:vql`). Arguments: N (default 1,000,000) and optionally the cases
 * to run (`npm run bench:vql -- 1000000 ac`). Engine figures use runVqlChunks (rows in chunks:
 * the API the CLI uses); the per-event runVql figure is printed for (a) too.
 *
 * Each side is warmed up with two full runs, then timed five times (interleaved); a run's time
 * is the smaller of its wall time and the process's CPU time (on a shared machine the CPU time
 * leaves out the time the process waited for the core), and the best run counts.
 */
import { createRegistry, portableBuiltins, runVql, runVqlChunks } from "../engine/vql/index";

const N = Number(process.argv[2] ?? 1_000_000);
const ONLY = process.argv[3];
const registry = createRegistry(portableBuiltins);

interface Case {
  id: string;
  query: string;
  rows: number;
  plain: () => number;
}

async function engineRows(query: string): Promise<number> {
  let rows = 0;
  for await (const c of runVqlChunks(query, { registry })) {
    if (c.kind === "rows") rows += c.rows.length;
    else if (c.kind === "log" && c.level === "ERROR") throw new Error(c.message);
  }
  return rows;
}

async function perEventRows(query: string): Promise<number> {
  let rows = 0;
  for await (const e of runVql(query, { registry })) if (e.kind === "row") rows++;
  return rows;
}

// Plain-loop twins: the same input, filtering and output rows (one object per output row),
// delivered to the consumer in batches of 512 as the engine delivers them.
let sink = 0;
let batch: object[] = [];
const emit = (row: object) => {
  batch.push(row);
  if (batch.length === 512) {
    sink += batch.length;
    batch = [];
  }
};

const cases: Case[] = [
  {
    id: "a",
    query: `SELECT _value * 2 AS X FROM range(end=${N}) WHERE _value > 10`,
    rows: Math.max(0, N - 11),
    plain() {
      let n = 0;
      for (let i = 0; i < N; i++) {
        const row = { _value: i };
        if (row._value > 10) {
          emit({ X: row._value * 2 });
          n++;
        }
      }
      return n;
    },
  },
  {
    id: "b",
    query: `SELECT format(format='host-%05d.example.com', args=_value) AS H FROM range(end=${N}) WHERE H =~ '7[.]example[.]com$'`,
    rows: Math.floor(N / 10),
    plain() {
      let n = 0;
      const re = /7[.]example[.]com$/i;
      for (let i = 0; i < N; i++) {
        const h = `host-${String(i).padStart(5, "0")}.example.com`;
        if (re.test(h)) {
          emit({ H: h });
          n++;
        }
      }
      return n;
    },
  },
  {
    id: "c",
    query: `SELECT int(int=_value / 100000) AS K, count() AS C FROM range(end=${N}) GROUP BY K`,
    rows: Math.ceil(N / 100000),
    plain() {
      const bins = new Map<string, { row: object; count: number }>();
      for (let i = 0; i < N; i++) {
        const k = Math.trunc(i / 100000);
        const key = String(k);
        let b = bins.get(key);
        if (!b) bins.set(key, (b = { row: {}, count: 0 }));
        b.count++;
        b.row = { K: k, C: b.count };
      }
      for (const b of bins.values()) emit(b.row);
      return bins.size;
    },
  },
  {
    id: "d",
    query: `SELECT * FROM foreach(row={ SELECT _value AS X FROM range(end=${N}) }, query={ SELECT X * 2 AS Y FROM scope() })`,
    rows: N,
    plain() {
      let n = 0;
      const outer = (function* () {
        for (let i = 0; i < N; i++) yield { X: i };
      })();
      for (const row of outer) {
        const scope = { ...row };
        for (const inner of [{}]) {
          void inner;
          emit({ Y: scope.X * 2 });
          n++;
        }
      }
      return n;
    },
  },
];

/** Runs f; returns its result and the smaller of wall and process CPU time (ms). */
async function timed<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await f();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return [r, Math.min(wall, (cpu.user + cpu.system) / 1000)];
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const WARMUP = 2;
const REPEAT = 5;

console.log(`VQL evaluator benchmark, N = ${fmt(N)} input rows, Node ${process.version}, one thread, best of ${REPEAT} after ${WARMUP} warm-up runs\n`);
for (const c of cases) {
  if (ONLY !== undefined && !ONLY.includes(c.id)) continue;
  for (let k = 0; k < WARMUP; k++) {
    await engineRows(c.query);
    c.plain();
  }
  let rows = 0;
  let ms = Infinity;
  let prows = 0;
  let pms = Infinity;
  for (let k = 0; k < REPEAT; k++) {
    const [r, t] = await timed(() => engineRows(c.query));
    rows = r;
    ms = Math.min(ms, t);
    const [pr, pt] = await timed(() => c.plain());
    prows = pr;
    pms = Math.min(pms, pt);
  }
  if (rows !== c.rows || prows !== c.rows) throw new Error(`case ${c.id}: expected ${c.rows} rows, engine ${rows}, plain ${prows}`);
  const rate = (N / ms) * 1000;
  const prate = (N / pms) * 1000;
  console.log(`(${c.id}) ${c.query}`);
  console.log(`    engine ${fmt(rate)} rows/s (${ms.toFixed(0)} ms)   plain loop ${fmt(prate)} rows/s (${pms.toFixed(0)} ms)   ratio ${(ms / pms).toFixed(1)}x`);
  if (c.id === "a") {
    let ms2 = Infinity;
    for (let k = 0; k < REPEAT; k++) {
      const [r2, t2] = await timed(() => perEventRows(c.query));
      if (r2 !== c.rows) throw new Error("per-event row count");
      ms2 = Math.min(ms2, t2);
    }
    console.log(`    engine via per-event runVql(): ${fmt((N / ms2) * 1000)} rows/s (${ms2.toFixed(0)} ms)`);
  }
}
console.log(`\n(rows/s counts input rows of range(); a run's time is min(wall, CPU); sink ${sink})`);
