// TALON_SQL_PROFILE=1 (embedded database only, a developer's tool): every 10 s, the statements
// that took the most time in the last 10 s on stderr, with how often they ran. Statement texts
// are cut at 90 characters and carry no parameter values.
interface Queryable {
  query(q: string, ...rest: unknown[]): Promise<unknown>;
  exec(q: string, ...rest: unknown[]): Promise<unknown>;
}

export function profileStatements(pg: unknown): void {
  const target = pg as Queryable;
  const stats = new Map<string, { n: number; ms: number }>();
  for (const name of ["query", "exec"] as const) {
    const orig = target[name].bind(target);
    target[name] = async (q: string, ...rest: unknown[]) => {
      const t0 = performance.now();
      try {
        return await orig(q, ...rest);
      } finally {
        const k = String(q).replace(/\s+/g, " ").trim().slice(0, 90);
        const e = stats.get(k) ?? { n: 0, ms: 0 };
        e.n++;
        e.ms += performance.now() - t0;
        stats.set(k, e);
      }
    };
  }
  setInterval(() => {
    const top = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
    process.stderr.write(`SQL profile (last 10 s)\n${top.map(([k, v]) => `${Math.round(v.ms)} ms ${v.n}x ${k}`).join("\n")}\n`);
    stats.clear();
  }, 10_000).unref();
}
