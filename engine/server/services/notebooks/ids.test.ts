import { describe, expect, it } from "vitest";
import { isCellId, isNotebookId, newId } from "./ids";

describe("notebook ids", () => {
  it("newId() gives N./NC. plus 13 base32hex characters that sort by creation second", () => {
    const a = newId("N.", new Date("2026-01-01T00:00:00Z"));
    const b = newId("N.", new Date("2026-01-01T00:00:05Z"));
    expect(isNotebookId(a)).toBe(true);
    expect(a < b).toBe(true);
    expect(isCellId(newId("NC.", new Date()))).toBe(true);
    expect(isNotebookId("N.../etc")).toBe(false);
  });
});
