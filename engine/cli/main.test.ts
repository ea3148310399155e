import { describe, expect, it } from "vitest";
import { helpText, main } from "./main";
import { TALON_VERSION } from "../server/version";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, out, err };
}

describe("talon CLI", () => {
  it("--version prints the package version", async () => {
    const t = io();
    expect(await main(["--version"], t.io)).toBe(0);
    expect(t.out.join("")).toBe(`${TALON_VERSION}\n`);
    expect(TALON_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("--help lists the commands", async () => {
    const t = io();
    expect(await main(["--help"], t.io)).toBe(0);
    expect(t.out.join("")).toContain("serve");
    expect(t.out.join("")).toContain("query");
    expect(helpText()).toMatch(/Usage: talon <command>/);
  });

  it("an unknown command exits 2 with a hint", async () => {
    const t = io();
    expect(await main(["frobnicate"], t.io)).toBe(2);
    expect(t.err.join("")).toMatch(/unknown command "frobnicate".*--help/);
  });
});
