// The bodies of PATCH /api/notebooks/:id (each field's shape, nothing unknown) and of a copy.
import { describe, expect, it } from "vitest";
import { CopyNotebook, UpdateNotebook } from "./schemas";

describe("notebook update and copy bodies", () => {
  it("UpdateNotebook takes any of its fields and refuses others", () => {
    expect(UpdateNotebook.parse({})).toEqual({});
    expect(UpdateNotebook.parse({ name: "Renamed", isPublic: true, settings: { timeoutSeconds: 30, maxRows: "" } })).toEqual({ name: "Renamed", isPublic: true, settings: { timeoutSeconds: 30, maxRows: "" } });
    expect(UpdateNotebook.safeParse({ owner: "bob" }).success).toBe(false);
    expect(UpdateNotebook.safeParse({ settings: { timeoutSeconds: 0 } }).success).toBe(false);
    expect(UpdateNotebook.safeParse({ collaborators: "bob" }).success).toBe(false);
  });

  it("CopyNotebook's name is optional text", () => {
    expect(CopyNotebook.parse({})).toEqual({});
    expect(CopyNotebook.parse({ name: "Mine" })).toEqual({ name: "Mine" });
    expect(CopyNotebook.safeParse({ name: 3 }).success).toBe(false);
    expect(CopyNotebook.safeParse({ name: "x".repeat(1001) }).success).toBe(false);
  });
});
