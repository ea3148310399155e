// `talon client` argument handling for server lists: every URL is checked before anything
// starts, and a bad one is named in a one-line error with exit code 2.
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "./main";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, out, err };
}

afterEach(() => void vi.unstubAllEnvs());

describe("talon client --server", () => {
  it("a malformed URL in the list exits 2 with one line naming it", async () => {
    const t = io();
    expect(await main(["client", "--server", "http://a:3000,nope:x", "--token", "t"], t.io)).toBe(2);
    expect(t.err.join("")).toBe(`talon client: --server: "nope:x" must start with http://, https://, ws:// or wss:// (entry 2 of 2)\n`);
    expect(t.out).toEqual([]);
  });

  it("an empty entry is an error too", async () => {
    const t = io();
    expect(await main(["client", "--server", "http://a:3000,,http://b:3000"], t.io)).toBe(2);
    expect(t.err.join("")).toMatch(/^talon client: --server: the server list .* has an empty entry \(entry 2 of 3\)\n$/);
  });

  it("TALON_SERVER takes the same list, and its errors say where the list came from", async () => {
    vi.stubEnv("TALON_SERVER", "http://a:3000, not a url");
    const t = io();
    expect(await main(["client"], t.io)).toBe(2);
    expect(t.err.join("")).toBe(`talon client: TALON_SERVER: "not a url" is not a URL like http://host:3000 (entry 2 of 2)\n`);
  });

  it("--help documents the list and the failover", async () => {
    const t = io();
    expect(await main(["client", "--help"], t.io)).toBe(0);
    expect(t.out.join("")).toMatch(/--server URL\[,URL\.\.\.\]/);
    expect(t.out.join("")).toMatch(/comma-separated list of servers/);
  });
});
