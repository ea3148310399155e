// The artifacts routes' zod schemas: the list's query, a create or replace, a rename.
import { describe, expect, it } from "vitest";
import { ArtifactListQuery, RenameArtifact, SetArtifact } from "./schemas";

describe("artifacts route schemas", () => {
  it("the list query defaults to everything and takes a whole positive limit", () => {
    expect(ArtifactListQuery.parse({})).toEqual({ search: "", type: "" });
    expect(ArtifactListQuery.parse({ search: "pslist", type: "client", limit: "20" })).toEqual({ search: "pslist", type: "client", limit: 20 });
    expect(ArtifactListQuery.safeParse({ limit: "0" }).success).toBe(false);
    expect(ArtifactListQuery.safeParse({ limit: "-3" }).success).toBe(false);
    expect(ArtifactListQuery.safeParse({ limit: "2.5" }).success).toBe(false);
    expect(ArtifactListQuery.safeParse({ limit: "many" }).success).toBe(false);
  });

  it("SetArtifact needs the YAML as text; the prefix is optional", () => {
    const yaml = "name: Custom.One\nsources:\n  - query: SELECT 1 FROM scope()\n";
    expect(SetArtifact.parse({ yaml })).toEqual({ yaml });
    expect(SetArtifact.parse({ yaml, prefix: "Custom." })).toEqual({ yaml, prefix: "Custom." });
    // Empty YAML is the loader's to refuse, with its diagnostics.
    expect(SetArtifact.parse({ yaml: "" })).toEqual({ yaml: "" });
    expect(SetArtifact.safeParse({}).success).toBe(false);
    expect(SetArtifact.safeParse({ yaml: ["name: X"] }).success).toBe(false);
    expect(SetArtifact.safeParse({ yaml, prefix: 1 }).success).toBe(false);
  });

  it("RenameArtifact trims the new name and refuses an empty or missing one", () => {
    expect(RenameArtifact.parse({ to: "  Custom.Renamed " })).toEqual({ to: "Custom.Renamed" });
    expect(RenameArtifact.safeParse({ to: "   " }).success).toBe(false);
    expect(RenameArtifact.safeParse({}).success).toBe(false);
    expect(RenameArtifact.safeParse({ to: "A".repeat(301) }).success).toBe(false);
  });
});
