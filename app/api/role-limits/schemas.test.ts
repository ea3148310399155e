// The request bodies of the limits routes: the role-limits PUT within the bounds an
// administrator may set, and the query API's body shape.
import { describe, expect, it } from "vitest";
import { QueryRequest } from "../v1/query/schemas";
import { SetRoleLimits } from "./schemas";

describe("role limits and query API request bodies", () => {
  it("SetRoleLimits takes whole numbers within the bounds and nothing else", () => {
    expect(SetRoleLimits.safeParse({ maxTimeoutSeconds: 600, maxRows: 1000, maxConcurrent: 2 }).success).toBe(true);
    expect(SetRoleLimits.safeParse({ maxTimeoutSeconds: 0, maxRows: 1000, maxConcurrent: 2 }).success).toBe(false);
    expect(SetRoleLimits.safeParse({ maxTimeoutSeconds: 600, maxRows: 1000, maxConcurrent: 1.5 }).success).toBe(false);
    expect(SetRoleLimits.safeParse({ maxTimeoutSeconds: 600, maxRows: 200_000_000, maxConcurrent: 2 }).success).toBe(false);
    expect(SetRoleLimits.safeParse({ maxTimeoutSeconds: 600, maxRows: 1000, maxConcurrent: 2, role: "analyst" }).success).toBe(false);
    expect(SetRoleLimits.safeParse({ maxTimeoutSeconds: "600", maxRows: 1000, maxConcurrent: 2 }).success).toBe(false);
  });

  it("QueryRequest needs VQL text; env is an object; timeoutSec and maxRows are positive numbers", () => {
    expect(QueryRequest.safeParse({ query: "SELECT 1 FROM scope()", env: { A: 1 }, timeoutSec: 5, maxRows: 10 }).success).toBe(true);
    expect(QueryRequest.safeParse({ query: "  " }).success).toBe(false);
    expect(QueryRequest.safeParse({ query: "SELECT 1 FROM scope()", env: [1] }).success).toBe(false);
    expect(QueryRequest.safeParse({ query: "SELECT 1 FROM scope()", timeoutSec: -1 }).success).toBe(false);
    expect(QueryRequest.safeParse({ query: "SELECT 1 FROM scope()", maxRows: 2.5 }).success).toBe(false);
    expect(QueryRequest.safeParse({ query: "SELECT 1 FROM scope()", extra: 1 }).success).toBe(false);
  });
});
