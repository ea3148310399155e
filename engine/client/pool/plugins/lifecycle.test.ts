// STYLE §6 for the pool's event plugins, and for the agent's event plugins over a pooled Linux
// endpoint's sources, table-driven: (1) on a busy endpoint, consume one row and break: the
// producer finished and no timers are left; (2) on an endpoint whose next event is far away, an
// abort mid-wait ends the query within 100 ms; (3) event plugins never end on their own: on a
// quiet endpoint, or one without the source, the query is still running after a while. The
// pool's parse_evtx() and wmi() read what is already there and end: (1) holds for them, and an
// abort during their rows ends the query within 100 ms.
import { describe, expect, it } from "vitest";
import { leftOpen, lifecycleTracker, openResources } from "@/engine/vql/testdata/lifecycle";
import { createRegistry, runVql } from "@/engine/vql";
import { agentRegistry } from "@/engine/client/plugins";
import type { AgentVqlHost } from "@/engine/client/plugins/host";
import { createSyntheticSystem } from "@/engine/client/pool/system";
import { findProfile, isLinux, isWindows } from "@/engine/client/pool/testdata/endpoints";
import { poolBuiltins } from ".";

const windows = findProfile("lifecycle", isWindows);
const linux = findProfile("lifecycle", isLinux);
/** The Windows sources on a Windows endpoint at `rate`, or on a Linux one (which has none). */

const CASES: Record<string, { vql: string; linux?: boolean; finite?: boolean }> = {
  parse_evtx: { vql: "SELECT * FROM parse_evtx(filename='C:/Windows/System32/winevt/Logs/Microsoft-Windows-Windows Defender%4Operational.evtx')", finite: true },
  watch_etw: { vql: "SELECT * FROM watch_etw(guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}')" },
  watch_evtx: { vql: "SELECT * FROM watch_evtx(filename='C:/Windows/System32/winevt/Logs/Security.evtx')" },
  wmi: { vql: "SELECT * FROM wmi(query='SELECT * FROM Win32_Process')", finite: true },
  wmi_events: { vql: "SELECT * FROM wmi_events(query='SELECT * FROM Win32_ProcessStartTrace', wait=600)" },
};
/** The agent's own event plugins, on a pooled Linux endpoint's synthetic sources. */
const AGENT_CASES: Record<string, { vql: string; linux?: boolean; finite?: boolean }> = {
  watch_syslog: { vql: "SELECT * FROM watch_syslog(filename=['/var/log/auth.log', '/var/log/syslog', '/var/log/secure', '/var/log/messages'])", linux: true },
  watch_journald: { vql: "SELECT * FROM watch_journald()", linux: true },
  watch_files: { vql: "SELECT * FROM watch_files(globs=['/var/log/*', '/tmp/*', '/var/spool/cron/**'])", linux: true },
};
const ALL = { ...CASES, ...AGENT_CASES };

const { finished, tracked } = lifecycleTracker();
const names = new Set([...poolBuiltins.map((b) => b.name), ...Object.keys(AGENT_CASES)]);
const agentEvents = agentRegistry().all.filter((b) => b.name in AGENT_CASES);
const registry = createRegistry([...agentRegistry().all.filter((b) => !names.has(b.name)), ...poolBuiltins.map(tracked), ...agentEvents.map(tracked)]);
const host = (rate: number, onLinux = false): AgentVqlHost => ({ system: createSyntheticSystem(onLinux ? linux : windows, { rate }) });

it("the table covers every pool builtin, and the agent's event plugins", () => {
  expect(Object.keys(CASES).sort()).toEqual(poolBuiltins.map((b) => b.name).sort());
  expect(agentEvents.map((b) => b.name).sort()).toEqual(Object.keys(AGENT_CASES).sort());
});

describe("pool event plugins: one row, then break", () => {
  for (const [name, c] of Object.entries(ALL)) {
    it(`${name}(): the producer finished and nothing is left open`, async () => {
      const h = host(500, c.linux);
      for await (const e of runVql(c.vql, { registry, host: h })) if (e.kind === "row") break;
      finished.delete(name);
      const before = openResources();
      let rows = 0;
      for await (const e of runVql(c.vql, { registry, host: h })) {
        if (e.kind === "row") {
          rows++;
          break;
        }
      }
      expect(rows).toBe(1);
      expect(finished.has(name)).toBe(true);
      expect(await leftOpen(before)).toEqual({});
    });
  }
});

describe("pool event plugins: abort while waiting for the next event", () => {
  for (const [name, c] of Object.entries(ALL).filter(([, c]) => !c.finite)) {
    it(`${name}(): the query ends within 100 ms of the abort`, async () => {
      const ac = new AbortController();
      let abortedAt = 0;
      setTimeout(() => {
        abortedAt = performance.now();
        ac.abort();
      }, 50);
      const kinds: string[] = [];
      for await (const e of runVql(c.vql, { registry, host: host(0.0001, c.linux), signal: ac.signal })) kinds.push(e.kind);
      expect(abortedAt).toBeGreaterThan(0);
      expect(performance.now() - abortedAt).toBeLessThan(100);
      expect(kinds).not.toContain("row");
    });
  }
});

for (const [name, c] of Object.entries(CASES).filter(([, c]) => c.finite)) {
  it(`${name}(): an abort between its rows ends the query within 100 ms`, async () => {
    const ac = new AbortController();
    let abortedAt = 0;
    let rows = 0;
    // Each row waits 20 ms in the query, so the abort lands between rows.
    const vql = `${c.vql.replace("SELECT *", "SELECT *, sleep(time=0.02) AS _")}`;
    setTimeout(() => {
      abortedAt = performance.now();
      ac.abort();
    }, 60);
    for await (const e of runVql(vql, { registry, host: host(1), signal: ac.signal })) if (e.kind === "row") rows++;
    expect(abortedAt).toBeGreaterThan(0);
    expect(performance.now() - abortedAt).toBeLessThan(100);
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(20);
  });
}

describe("pool event plugins never end on their own", () => {
  for (const [name, c] of Object.entries(ALL).filter(([, c]) => !c.finite)) {
    it(`${name}() on a quiet endpoint, and on one without the source, runs until aborted`, async () => {
      for (const h of [host(0, c.linux), host(100, !c.linux)]) {
        const ac = new AbortController();
        let ended = false;
        const run = (async () => {
          for await (const e of runVql(c.vql, { registry, host: h, signal: ac.signal })) expect(e.kind).not.toBe("row");
          ended = true;
        })();
        await new Promise((r) => setTimeout(r, 300));
        expect(ended).toBe(false);
        ac.abort();
        await run;
        expect(ended).toBe(true);
      }
    });
  }
});
