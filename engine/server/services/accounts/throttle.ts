// Slows down password guessing without letting a stranger lock the owner out. Three buckets of
// failures within the last hour, counted in the database (every process sharing it counts the
// same attempts):
// - one user name from one address: 3 free failures, then each further attempt must wait a
//   delay that doubles per failure (1 s, 2 s, 4 s, ... at most 15 minutes) after the last one;
// - one address, whatever the names: 20 free, then the same doubling;
// - one user name from everywhere: never refuses (that would let anyone lock the owner out);
//   past 10 failures every attempt on the name is held before it is checked, up to 3 s, so a
//   guesser spreading over addresses is slowed while the owner still gets in.
// Addresses are the real client (never a raw X-Forwarded-For) and IPv6 counts per /64.
import { queries, type Db } from "@/drizzle";
import { throttleAddress } from "@/engine/server/net/client-address";

export const WINDOW_MS = 60 * 60_000;
export const MAX_DELAY_MS = 15 * 60_000;
export const PAIR_FREE = 3;
export const ADDRESS_FREE = 20;
export const ACCOUNT_FREE = 10;
export const MAX_HOLD_MS = 3_000;

export interface SignInKeys {
  pair: string;
  address: string;
  account: string;
}

export function signInKeys(username: string, ip: string): SignInKeys {
  const addr = throttleAddress(ip);
  return { pair: `u:${username}|ip:${addr}`, address: `ip:${addr}`, account: `u:${username}` };
}

/** Delay owed after `failures` failures when the first `free` cost nothing. */
export function backoffMs(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(30, failures - free));
}

/** How long an attempt on a name with `failures` failures (from anywhere) is held. */
export function holdMs(failures: number): number {
  if (failures <= ACCOUNT_FREE) return 0;
  return Math.min(MAX_HOLD_MS, 100 * (failures - ACCOUNT_FREE));
}

export interface ThrottleDecision {
  /** Refuse without checking the password; try again after this long. */
  retryAfterMs?: number;
  /** Hold the attempt this long before checking it (the per-name slowdown). */
  holdMs: number;
}

export class SignInThrottle {
  private lastPrune = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  async check(k: SignInKeys): Promise<ThrottleDecision> {
    const t = this.now();
    const stats = await queries.loginFailureStats(this.db, [k.pair, k.address, k.account], new Date(t - WINDOW_MS));
    const wait = (key: string, free: number) => {
      const s = stats.get(key);
      if (!s?.last || s.count < free) return 0;
      return Math.max(0, s.last.getTime() + backoffMs(s.count, free) - t);
    };
    const retry = Math.max(wait(k.pair, PAIR_FREE), wait(k.address, ADDRESS_FREE));
    return { ...(retry > 0 ? { retryAfterMs: retry } : {}), holdMs: holdMs(stats.get(k.account)?.count ?? 0) };
  }

  async fail(k: SignInKeys): Promise<void> {
    await queries.addLoginFailures(this.db, [k.pair, k.address, k.account], new Date(this.now()));
    if (this.now() - this.lastPrune > WINDOW_MS) {
      this.lastPrune = this.now();
      await queries.pruneLoginFailures(this.db, new Date(this.now() - WINDOW_MS));
    }
  }

  async succeed(k: SignInKeys): Promise<void> {
    // Only the pair is forgiven: a success proves nothing about the address's other names, and
    // the name's count from elsewhere is someone else's guessing.
    await queries.clearLoginFailures(this.db, k.pair);
  }
}
