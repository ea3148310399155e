// Slows down password guessing. Within a 10-minute window, 5 failures for one user name from
// one address, or 50 failures from one address, block further attempts until the window
// passes. Keying on the pair (not the name alone) keeps an attacker from locking out a user.
// Failures are counted in the database, so every process sharing it counts the same attempts
// (a guesser cannot spread tries over processes behind a load balancer).
import { queries, type Db } from "@/drizzle";

export const WINDOW_MS = 10 * 60_000;

export interface ThrottleKey {
  key: string;
  limit: number;
}

export function signInKeys(username: string, ip: string): ThrottleKey[] {
  return [
    { key: `u:${username}|ip:${ip}`, limit: 5 },
    { key: `ip:${ip}`, limit: 50 },
  ];
}

export class SignInThrottle {
  private lastPrune = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  async isBlocked(keys: ThrottleKey[]): Promise<boolean> {
    const counts = await queries.countLoginFailures(this.db, keys.map((k) => k.key), new Date(this.now() - WINDOW_MS));
    return keys.some((k) => (counts.get(k.key) ?? 0) >= k.limit);
  }

  async fail(keys: ThrottleKey[]): Promise<void> {
    await queries.addLoginFailures(this.db, keys.map((k) => k.key), new Date(this.now()));
    if (this.now() - this.lastPrune > WINDOW_MS) {
      this.lastPrune = this.now();
      await queries.pruneLoginFailures(this.db, new Date(this.now() - WINDOW_MS));
    }
  }

  async succeed(keys: ThrottleKey[]): Promise<void> {
    // Only the pair is forgiven: a success does not reset an address's count of failures.
    await queries.clearLoginFailures(this.db, keys[0]!.key);
  }
}
