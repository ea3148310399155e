// Deterministic randomness for synthetic endpoints: a 32-bit seed from text, and mulberry32.
import { createHash } from "node:crypto";

export function seedOf(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32LE(0);
}

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, maxExclusive: number): number {
    return min + Math.floor(this.next() * (maxExclusive - min));
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(0, list.length)]!;
  }
}
