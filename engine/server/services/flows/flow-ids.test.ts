import { describe, expect, it } from "vitest";
import { createFlowIdSource } from "./flow-ids";

describe("flow ids", () => {
  it("createFlowIdSource() makes 100,000 distinct, ascending ids within one millisecond", () => {
    const next = createFlowIdSource(() => 1_800_000_000_000);
    const ids = Array.from({ length: 100_000 }, next);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^F\.[0-9A-V]{13}$/);
  });
});
