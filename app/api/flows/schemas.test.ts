// The collection request bodies' zod schemas: what a collection names, its parameters and
// limits (absent, null and 0 all mean "not set"), and the targets of a collection on many clients.
import { describe, expect, it } from "vitest";
import { CollectMany, Collection } from "./schemas";

describe("collection request bodies", () => {
  it("Collection needs artifact names; parameters default to {} and limits stay unset", () => {
    expect(Collection.parse({ artifacts: ["Linux.Sys.Pslist"] })).toEqual({ artifacts: ["Linux.Sys.Pslist"], parameters: {} });
    expect(Collection.parse({ artifacts: ["A"], parameters: null, timeoutSec: null, maxRows: null })).toEqual({ artifacts: ["A"], parameters: {} });
    const full = { artifacts: ["A", "B"], parameters: { A: { Path: "/etc" } }, timeoutSec: 1.5, maxRows: 0 };
    expect(Collection.parse(full)).toEqual(full);
  });

  it("Collection refuses no artifacts, non-text names, list parameters and bad limits", () => {
    expect(Collection.safeParse({}).success).toBe(false);
    expect(Collection.safeParse({ artifacts: [] }).success).toBe(false);
    expect(Collection.safeParse({ artifacts: "Linux.Sys.Pslist" }).success).toBe(false);
    expect(Collection.safeParse({ artifacts: ["A", 2] }).success).toBe(false);
    expect(Collection.safeParse({ artifacts: [""] }).success).toBe(false);
    expect(Collection.safeParse({ artifacts: ["A"], parameters: [1] }).success).toBe(false);
    expect(Collection.safeParse({ artifacts: ["A"], parameters: "x" }).success).toBe(false);
    expect(Collection.safeParse({ artifacts: ["A"], timeoutSec: "60" }).success).toBe(false);
    expect(Collection.safeParse({ artifacts: ["A"], timeoutSec: -1 }).success).toBe(false);
    expect(Collection.safeParse({ artifacts: ["A"], maxRows: 2.5 }).success).toBe(false);
    expect(Collection.safeParse({ artifacts: ["A"], maxRows: -10 }).success).toBe(false);
  });

  it("CollectMany targets client ids or a search, and needs one of them", () => {
    expect(CollectMany.parse({ artifacts: ["A"], clientIds: ["C.0123456789abcdef"] })).toEqual({ artifacts: ["A"], parameters: {}, clientIds: ["C.0123456789abcdef"] });
    expect(CollectMany.parse({ artifacts: ["A"], search: "label:web" })).toEqual({ artifacts: ["A"], parameters: {}, search: "label:web" });
    expect(CollectMany.parse({ artifacts: ["A"], clientIds: [] })).toEqual({ artifacts: ["A"], parameters: {}, clientIds: [] });
    expect(CollectMany.safeParse({ artifacts: ["A"] }).success).toBe(false);
    expect(CollectMany.safeParse({ artifacts: ["A"], clientIds: "C.0123456789abcdef" }).success).toBe(false);
    expect(CollectMany.safeParse({ artifacts: ["A"], clientIds: [1] }).success).toBe(false);
    expect(CollectMany.safeParse({ artifacts: ["A"], search: 5 }).success).toBe(false);
  });
});
