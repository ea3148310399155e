// The queries this process runs, running and recently finished, for profile(queries=TRUE) and
// trace() (Velociraptor's actions.QueryLog): a bounded list, the oldest finished entries
// dropped first. Owned by whoever runs queries (the server's query service, the agent's
// executor); builtins read it through their host's diagnostics.

export interface QueryEntry {
  /** ISO 8601. */
  Start: string;
  /** Nanoseconds, 0 while the query runs (Velociraptor's QueryLog shape). */
  Duration: number;
  Query: string;
}

export class QueryLog {
  private readonly entries: QueryEntry[] = [];

  constructor(
    private readonly limit = 50,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a query as running; the returned function marks it finished (idempotent). */
  begin(query: string): () => void {
    const e: QueryEntry = { Start: new Date(this.now()).toISOString(), Duration: 0, Query: query };
    this.entries.push(e);
    this.trim();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      e.Duration = Math.max(1, (this.now() - Date.parse(e.Start)) * 1_000_000);
      this.trim();
    };
  }

  /** Oldest first. */
  get(): QueryEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  private trim() {
    while (this.entries.length > this.limit) {
      const i = this.entries.findIndex((e) => e.Duration !== 0);
      if (i < 0) return;
      this.entries.splice(i, 1);
    }
  }
}
