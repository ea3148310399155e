// When a synthetic endpoint's activity happens. Slot k of an endpoint running at `rate`
// activities per second falls (k + phase + jitter(k)) / rate seconds after the Unix epoch, so the
// timeline is a pure function of the endpoint's seed and the rate: a restarted pool replays the
// same history, endpoints are out of step with each other, and what happens in slot k is mixed
// from (seed, k) alone. Owns timing and hashing only; what happens is activity.ts.

const TWO_32 = 0x1_0000_0000;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of (seed, k, salt); k is any non-negative integer below 2^53. */
export function mix(seed: number, k: number, salt = 0): number {
  const lo = k % TWO_32;
  const hi = Math.floor(k / TWO_32);
  return fmix(fmix(fmix((seed ^ Math.imul(salt + 1, 0x9e3779b9)) >>> 0) ^ lo) ^ hi);
}

/** mix() as a float in [0, 1). */
export function unit(seed: number, k: number, salt = 0): number {
  return mix(seed, k, salt) / TWO_32;
}

export class Slots {
  private readonly phase: number;
  constructor(
    readonly seed: number,
    /** Activities per second (> 0). */
    readonly rate: number,
  ) {
    this.phase = unit(seed, 0, 0x5107);
  }

  /** Milliseconds since the epoch at which slot k happens (strictly increasing in k). */
  timeOf(k: number): number {
    return ((k + this.phase + 0.9 * unit(this.seed, k, 0x7177)) / this.rate) * 1000;
  }

  /** The last slot at or before `ms`. */
  lastAt(ms: number): number {
    const k = Math.floor((ms / 1000) * this.rate - this.phase);
    return this.timeOf(k) <= ms ? k : k - 1;
  }
}
