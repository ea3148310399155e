// `talon pool` argument handling for server lists (as `talon client`'s, client.test.ts), the
// --spread option's help, and --event-rate.
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

describe("talon pool --event-rate", () => {
  it("--help documents it and the simulated event sources", async () => {
    const t = io();
    expect(await main(["pool", "--help"], t.io)).toBe(0);
    const help = t.out.join("");
    expect(help).toMatch(/--event-rate R synthetic activities \(processes, connections, logons, log lines\)\s+per endpoint per second \(default 1; 0 for quiet endpoints\)/);
    for (const plugin of ["watch_etw()", "watch_evtx()", "wmi_events()", "watch_syslog()"]) expect(help).toContain(plugin);
  });

  it("a negative or non-numeric rate exits 2 with one line", async () => {
    for (const bad of ["-1", "fast"]) {
      const t = io();
      expect(await main(["pool", "--server", "http://a:3000", "--token", "t", "--count", "2", `--event-rate=${bad}`], t.io)).toBe(2);
      expect(t.err.join("")).toBe(`talon pool: --event-rate must be a number of events per endpoint per second (0 or more), found "${bad}"\n`);
    }
  });
});
