// Reconnect delays: exponential growth capped at maxMs, with "full jitter" (a random delay
// between half and all of the step) so a fleet does not reconnect in lock-step after an outage.
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const step = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(attempt, 30));
  const r = (o.random ?? Math.random)();
  return Math.round(step / 2 + (step / 2) * r);
}
