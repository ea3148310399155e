// The limits service's contract: per role, the longest timeout, the row cap and the number of
// ad-hoc VQL runs (notebook cells, the query API) one user may have at once; and the run slots
// counted against that number, over every process sharing the database. A user at the limit
// waits in their own queue (notebook cells) or is refused (the query API), never behind
// another user's runs. See docs/notebooks.md "Fairness and limits".
import type { Principal } from "./common";

export interface RoleLimits {
  role: string;
  /** Longest timeout a run may have, in seconds. */
  maxTimeoutSeconds: number;
  /** Most rows per result table (per SELECT). */
  maxRows: number;
  /** Ad-hoc runs one user may have at once, over every process. */
  maxConcurrent: number;
  /** Who last changed them; null while the role has the built-in defaults. */
  updatedBy: string | null;
  updatedAt: Date | null;
}

export type RoleLimitsChange = Pick<RoleLimits, "maxTimeoutSeconds" | "maxRows" | "maxConcurrent">;

export type RunKind = "notebook" | "query" | "backtest";

export interface RunSlot {
  /** Gives the slot back (idempotent); the user's next waiting run starts. */
  release(): Promise<void>;
}

export interface RunRefused {
  refused: true;
  /** The user's runs in progress, and the limit of their role. */
  running: number;
  limit: number;
}

export interface LimitsService {
  /** Every role's limits (administrators: SERVER_ADMIN). */
  list(actor: Principal): Promise<RoleLimits[]>;
  /** Sets one role's limits (SERVER_ADMIN), audited as `role_limits_set` with the old and new values. */
  set(actor: Principal, role: string, change: RoleLimitsChange): Promise<RoleLimits>;
  /** The limits that apply to a principal's runs (any signed-in caller, for their own role). */
  forPrincipal(p: Principal): Promise<RoleLimits>;
  /** Takes a run slot now or says how many the user has running (the query API answers 429). */
  tryAcquire(p: Principal, kind: RunKind): Promise<RunSlot | RunRefused>;
  /**
   * Waits in the user's own queue until they are under their limit. `onWait` is called with
   * the user's running count whenever the run has to wait (and again when that count changes).
   * Rejects with the signal's reason when it aborts first.
   */
  acquire(p: Principal, kind: RunKind, o: { signal: AbortSignal; onWait?(running: number, limit: number): void }): Promise<RunSlot>;
}
