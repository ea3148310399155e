import { describe, expect, it } from "vitest";
import { createBatcher } from "../services/batcher";
import { TokenBucket } from "./rate-limit";

describe("TokenBucket", () => {
  it("allows the burst, then the sustained rate", () => {
    let t = 0;
    const b = new TokenBucket(10, 20, () => t);
    for (let i = 0; i < 20; i++) expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    t += 100; // 0.1 s at 10/s: one token
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
  });
});

describe("createBatcher", () => {
  it("answers items added together with one call, each caller its own result", async () => {
    const calls: number[][] = [];
    const b = createBatcher(async (items: number[]) => {
      calls.push(items);
      return items.map((i) => i * 2);
    }, { maxWaitMs: 5, maxItems: 100 });
    expect(await Promise.all([1, 2, 3].map((i) => b.add(i)))).toEqual([2, 4, 6]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it("a failing batch rejects every caller in it", async () => {
    const b = createBatcher<number, number>(async () => {
      throw new Error("db down");
    }, { maxWaitMs: 1, maxItems: 10 });
    await expect(Promise.all([b.add(1), b.add(2)])).rejects.toThrow("db down");
  });
});
