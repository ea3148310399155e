// A token bucket: `rate` tokens per second, holding at most `burst`. take() says whether the
// cost fits; the gateway closes an agent that goes over (its outbox resends later).
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(cost = 1): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (cost > this.tokens) return false;
    this.tokens -= cost;
    return true;
  }
}
