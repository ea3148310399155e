// Slows down password guessing. Within a 10-minute window, 5 failures for one user name from
// one address, or 50 failures from one address, block further attempts until the window
// passes. Keying on the pair (not the name alone) keeps an attacker from locking out a user.
const WINDOW_MS = 10 * 60_000;

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
  private failures = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  isBlocked(keys: ThrottleKey[]): boolean {
    return keys.some((k) => this.recent(k.key).length >= k.limit);
  }

  fail(keys: ThrottleKey[]): void {
    for (const { key } of keys) {
      const list = this.recent(key);
      list.push(this.now());
      this.failures.set(key, list);
    }
    if (this.failures.size > 10_000) this.prune();
  }

  succeed(keys: ThrottleKey[]): void {
    // Only the pair is forgiven: a success does not reset an address's count of failures.
    this.failures.delete(keys[0]!.key);
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - WINDOW_MS;
    return (this.failures.get(key) ?? []).filter((t) => t > cutoff);
  }

  private prune(): void {
    for (const k of [...this.failures.keys()]) {
      if (this.recent(k).length === 0) this.failures.delete(k);
    }
  }
}
