// The user administration routes' zod schemas: a new user and a change to one; what each
// accepts and what it refuses before the accounts service runs.
import { describe, expect, it } from "vitest";
import { CreateUser, UpdateUser } from "./schemas";

const twelve = "correct-horse"; // 13 characters: above the policy's floor, which the service checks

describe("user administration bodies", () => {
  it("CreateUser takes a user name (trimmed), a password and a known role", () => {
    expect(CreateUser.parse({ username: " alice ", password: twelve, role: "analyst" })).toEqual({ username: "alice", password: twelve, role: "analyst" });
    expect(CreateUser.safeParse({ username: "a".repeat(64), password: twelve, role: "reader" }).success).toBe(true);
  });

  it("CreateUser refuses missing fields, wrong types, unknown roles and overlong values", () => {
    expect(CreateUser.safeParse({ password: twelve, role: "analyst" }).success).toBe(false);
    expect(CreateUser.safeParse({ username: "alice", role: "analyst" }).success).toBe(false);
    expect(CreateUser.safeParse({ username: "alice", password: twelve }).success).toBe(false);
    expect(CreateUser.safeParse({ username: 5, password: twelve, role: "analyst" }).success).toBe(false);
    expect(CreateUser.safeParse({ username: "alice", password: twelve, role: "root" }).success).toBe(false);
    expect(CreateUser.safeParse({ username: "a".repeat(65), password: twelve, role: "analyst" }).success).toBe(false);
    expect(CreateUser.safeParse({ username: "alice", password: "p".repeat(1025), role: "analyst" }).success).toBe(false);
  });

  it("UpdateUser takes any of role, password and disabled, and nothing else", () => {
    expect(UpdateUser.parse({})).toEqual({});
    expect(UpdateUser.parse({ role: "investigator" })).toEqual({ role: "investigator" });
    expect(UpdateUser.parse({ password: twelve, disabled: true })).toEqual({ password: twelve, disabled: true });
    expect(UpdateUser.safeParse({ disabled: "yes" }).success).toBe(false);
    expect(UpdateUser.safeParse({ role: "superuser" }).success).toBe(false);
    expect(UpdateUser.safeParse({ password: 123456789012 }).success).toBe(false);
    expect(UpdateUser.safeParse({ role: "reader", username: "bob" }).success).toBe(false);
  });
});
