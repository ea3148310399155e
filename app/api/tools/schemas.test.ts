// The tools routes' zod schemas: an admin's url and sha256 for a tool, and the upload's query;
// what each accepts and refuses before the tools service runs.
import { describe, expect, it } from "vitest";
import { SetToolUrl, ToolName, UploadQuery } from "./schemas";

describe("tools route requests", () => {
  it("SetToolUrl takes a tool, an http(s) url and a sha256 (lower-cased)", () => {
    expect(SetToolUrl.parse({ tool: "Autoruns", url: "https://live.sysinternals.com/autoruns.zip", hash: " " + "AB".repeat(32) + " " })).toEqual({
      tool: "Autoruns",
      url: "https://live.sysinternals.com/autoruns.zip",
      hash: "ab".repeat(32),
    });
    expect(SetToolUrl.safeParse({ tool: "T", version: "1.2", url: "http://10.0.0.1/t", filename: "t.exe" }).success).toBe(true);
  });

  it("SetToolUrl refuses other schemes, bad hashes, bad names, paths in file names and unknown fields", () => {
    expect(SetToolUrl.safeParse({ tool: "T", url: "file:///etc/passwd" }).success).toBe(false);
    expect(SetToolUrl.safeParse({ tool: "T", url: "javascript:alert(1)" }).success).toBe(false);
    expect(SetToolUrl.safeParse({ tool: "T", url: "https://a.example/t", hash: "abc" }).success).toBe(false);
    expect(SetToolUrl.safeParse({ tool: "T x", url: "https://a.example/t" }).success).toBe(false);
    expect(SetToolUrl.safeParse({ tool: "T", url: "https://a.example/t", filename: "../t.exe" }).success).toBe(false);
    expect(SetToolUrl.safeParse({ tool: "T", url: "https://a.example/t", serveLocally: true }).success).toBe(false);
    expect(SetToolUrl.safeParse({ tool: "T" }).success).toBe(false);
  });

  it("UploadQuery takes a version and a file name; ToolName is an identifier", () => {
    expect(UploadQuery.parse({ version: "2", filename: "x.exe" })).toEqual({ version: "2", filename: "x.exe" });
    expect(UploadQuery.safeParse({ filename: "a\\\\b" }).success).toBe(false);
    expect(UploadQuery.safeParse({ other: "1" }).success).toBe(false);
    expect(ToolName.safeParse("Velo_1.2-x").success).toBe(true);
    expect(ToolName.safeParse("<script>").success).toBe(false);
    expect(ToolName.safeParse("").success).toBe(false);
  });
});
