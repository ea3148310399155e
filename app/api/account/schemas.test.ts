// POST /api/account/password's zod schema: both passwords as text, within the length the
// accounts service keeps; anything else in the body is dropped.
import { describe, expect, it } from "vitest";
import { ChangePassword } from "./schemas";

const twelve = "correct-horse"; // 13 characters: above the policy's floor, which the service checks

describe("own password change body", () => {
  it("ChangePassword needs both passwords as text within the length the service keeps", () => {
    expect(ChangePassword.parse({ current: "old", password: twelve, confirm: twelve })).toEqual({ current: "old", password: twelve });
    expect(ChangePassword.safeParse({ current: "old" }).success).toBe(false);
    expect(ChangePassword.safeParse({ password: twelve }).success).toBe(false);
    expect(ChangePassword.safeParse({ current: null, password: twelve }).success).toBe(false);
    expect(ChangePassword.safeParse({ current: "old", password: "p".repeat(1025) }).success).toBe(false);
  });
});
