// POST /api/api-keys's zod schema: whose key it is and what it is for (default empty).
import { describe, expect, it } from "vitest";
import { IssueApiKey } from "./schemas";

describe("API key request body", () => {
  it("IssueApiKey needs a user name; the name defaults to empty (the service calls it `api key`)", () => {
    expect(IssueApiKey.parse({ username: "bot" })).toEqual({ username: "bot", name: "" });
    expect(IssueApiKey.parse({ username: "bot", name: "nightly export" })).toEqual({ username: "bot", name: "nightly export" });
    expect(IssueApiKey.safeParse({ name: "x" }).success).toBe(false);
    expect(IssueApiKey.safeParse({ username: "bot", name: 7 }).success).toBe(false);
    expect(IssueApiKey.safeParse({ username: "b".repeat(65) }).success).toBe(false);
  });
});
