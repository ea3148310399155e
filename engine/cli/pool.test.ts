// `talon pool` argument handling for server lists (as `talon client`'s, client.test.ts) and the
// --spread option's help.
import { describe, expect, it } from "vitest";
import { main } from "./main";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, out, err };
}

describe("talon pool --server", () => {
  it("a malformed URL in the list exits 2 with one line naming it", async () => {
    const t = io();
    expect(await main(["pool", "--server", "http://a:3000,http//b:3000", "--token", "t", "--count", "2"], t.io)).toBe(2);
    expect(t.err.join("")).toBe(`talon pool: --server: "http//b:3000" is not a URL like http://host:3000 (entry 2 of 2)\n`);
    expect(t.out).toEqual([]);
  });

  it("--help documents the list and --spread", async () => {
    const t = io();
    expect(await main(["pool", "--help"], t.io)).toBe(0);
    expect(t.out.join("")).toMatch(/comma-separated list of servers/);
    expect(t.out.join("")).toMatch(/--spread +share the endpoints among the listed servers: endpoint i starts at\s+server i mod/);
  });
});
