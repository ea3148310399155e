// The query API's run (POST /api/v1/query): the caller's role limits first (a timeout or row
// cap above them is refused with 400; unset ones default to the role's), then one of the
// caller's run slots, taken now or refused with 429 (the query API never queues); the slot is
// given back when the stream ends, fails or the client goes away. Returns the JSON-lines stream.
import { ServiceError, type ApiQueryRequest, type LimitsService, type Principal, type QueryService, type VqlNotebooks } from "@/engine/server/contracts";
import { queryLines } from "./query-lines";

export interface ApiQueryDeps {
  queries: Pick<QueryService, "run">;
  limits: Pick<LimitsService, "forPrincipal" | "tryAcquire">;
  notebooks?: VqlNotebooks;
}

/** Without `timeoutSec`: 10 minutes, or the role's maximum when lower. */
const DEFAULT_TIMEOUT_SEC = 600;

export async function runApiQuery(deps: ApiQueryDeps, p: Principal, r: ApiQueryRequest, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const limits = await deps.limits.forPrincipal(p);
  const n = (v: number) => v.toLocaleString("en-US");
  if (r.timeoutSec !== undefined && r.timeoutSec > limits.maxTimeoutSeconds) throw new ServiceError("bad_request", `\`timeoutSec\` is above the ${limits.role} role's maximum of ${n(limits.maxTimeoutSeconds)} seconds`);
  if (r.maxRows !== undefined && r.maxRows > limits.maxRows) throw new ServiceError("bad_request", `\`maxRows\` is above the ${limits.role} role's maximum of ${n(limits.maxRows)} rows`);
  const slot = await deps.limits.tryAcquire(p, "query");
  if ("refused" in slot) {
    throw new ServiceError(
      "rate_limited",
      `you have ${slot.running} queries or notebook cells running, the most the ${limits.role} role allows at once (${slot.limit}); try again when one has finished`,
    );
  }
  const release = () => void slot.release();
  signal.addEventListener("abort", release, { once: true });
  try {
    const events = deps.queries.run(r.query, {
      principal: p,
      env: r.env ?? {},
      signal,
      timeoutMs: (r.timeoutSec ?? Math.min(DEFAULT_TIMEOUT_SEC, limits.maxTimeoutSeconds)) * 1000,
      maxRows: r.maxRows ?? limits.maxRows,
      notebooks: deps.notebooks,
    });
    return queryLines(releasing(events, release), r.query);
  } catch (err) {
    release();
    throw err;
  }
}

async function* releasing<T>(events: AsyncIterable<T>, release: () => void): AsyncGenerator<T> {
  try {
    yield* events;
  } finally {
    release();
  }
}
