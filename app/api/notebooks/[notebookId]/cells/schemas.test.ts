// The cell routes' zod schemas: what each body takes, its defaults, and what it refuses.
import { describe, expect, it } from "vitest";
import { MoveCell, NewCell, PromoteCell, RevertCell, RunCell, SaveCell } from "./schemas";

const MiB = 1024 * 1024;

describe("adding and saving cells", () => {
  it("NewCell defaults to an empty VQL cell at the end", () => {
    expect(NewCell.parse({})).toEqual({ type: "vql", input: "" });
    expect(NewCell.parse({ type: "markdown", position: 3 })).toEqual({ type: "markdown", input: "", position: 3 });
    expect(NewCell.parse({ type: "vql", input: "SELECT 1 FROM scope()", position: 0 })).toEqual({ type: "vql", input: "SELECT 1 FROM scope()", position: 0 });
    expect(NewCell.safeParse({ type: "python" }).success).toBe(false);
    expect(NewCell.safeParse({ input: 1 }).success).toBe(false);
    expect(NewCell.safeParse({ position: -1 }).success).toBe(false);
    expect(NewCell.safeParse({ position: 1.5 }).success).toBe(false);
    expect(NewCell.safeParse({ position: "2" }).success).toBe(false);
  });

  it("SaveCell needs the text, up to 1 MiB; the type is optional", () => {
    expect(SaveCell.parse({ input: "# Notes" })).toEqual({ input: "# Notes" });
    expect(SaveCell.parse({ input: "", type: "markdown" })).toEqual({ input: "", type: "markdown" });
    expect(SaveCell.safeParse({ input: "x".repeat(MiB) }).success).toBe(true);
    expect(SaveCell.safeParse({ input: "x".repeat(MiB + 1) }).success).toBe(false);
    expect(SaveCell.safeParse({ type: "vql" }).success).toBe(false);
    expect(SaveCell.safeParse({ input: "x", type: "html" }).success).toBe(false);
  });
});

describe("running, undoing, moving and promoting cells", () => {
  it("RunCell takes nothing or a new text and type", () => {
    expect(RunCell.parse({})).toEqual({});
    expect(RunCell.parse({ input: "SELECT 2 FROM scope()", type: "vql" })).toEqual({ input: "SELECT 2 FROM scope()", type: "vql" });
    expect(RunCell.safeParse({ input: ["SELECT 2"] }).success).toBe(false);
    expect(RunCell.safeParse({ type: "sql" }).success).toBe(false);
  });

  it("RevertCell steps by -1 or 1 only, with an optional draft", () => {
    expect(RevertCell.parse({ step: -1, draft: "unsaved" })).toEqual({ step: -1, draft: "unsaved" });
    expect(RevertCell.parse({ step: 1 })).toEqual({ step: 1 });
    for (const step of [0, 2, -2, "1", undefined]) expect(RevertCell.safeParse({ step }).success).toBe(false);
    expect(RevertCell.safeParse({ step: -1, draft: 5 }).success).toBe(false);
  });

  it("MoveCell needs a whole, non-negative position", () => {
    expect(MoveCell.parse({ position: 0 })).toEqual({ position: 0 });
    expect(MoveCell.parse({ position: 12 })).toEqual({ position: 12 });
    expect(MoveCell.safeParse({}).success).toBe(false);
    expect(MoveCell.safeParse({ position: "1" }).success).toBe(false);
    expect(MoveCell.safeParse({ position: -1 }).success).toBe(false);
  });

  it("PromoteCell needs the YAML as text", () => {
    expect(PromoteCell.parse({ yaml: "name: Custom.X\n" })).toEqual({ yaml: "name: Custom.X\n" });
    expect(PromoteCell.safeParse({}).success).toBe(false);
    expect(PromoteCell.safeParse({ yaml: { name: "Custom.X" } }).success).toBe(false);
  });
});
