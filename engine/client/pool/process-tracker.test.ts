// process_tracker() on a pooled endpoint whose pslist() changes over time (the activity
// timeline at a high rate, on a clock the test moves): what the tracker knows is checked against
// the endpoint's own timeline (EndpointActivity.alive() and the static process table): a process
// that appeared is found with its parent chain, one that exited keeps an end time, max_size
// evicts the oldest exited ones, process_tracker_updates() streams start/exit updates, and the
// tracker (its timer and queries) stops when the query that installed it ends.
import { afterEach, describe, expect, it } from "vitest";
import { OrderedDict, runVql, Timestamp } from "@/engine/vql";
import { agentRegistry } from "@/engine/client/plugins";
import { installedTracker } from "@/engine/client/plugins/process-tracker-install";
import type { EndpointSystem, ProcessInfo } from "@/engine/endpoint/builtins/system";
import { EndpointActivity } from "./activity/activity";
import { syntheticProcesses } from "./processes";
import { createSyntheticSystem } from "./system";
import { findProfile, isLinux } from "./testdata/endpoints";

const RATE = 200;
const profile = findProfile("process-tracker", isLinux);
const registry = agentRegistry();
const SYNC = `{ SELECT Pid AS id, Ppid AS parent_id, CreateTime AS start_time, dict(Name=Name, CommandLine=CommandLine) AS data FROM pslist() }`;

type Row = Record<string, unknown>;
const plain = (v: unknown): unknown =>
  v instanceof OrderedDict ? Object.fromEntries(v.keys().map((k) => [k, plain(v.get(k))])) : Array.isArray(v) ? v.map(plain) : v;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const msOf = (t: unknown) => (t instanceof Timestamp ? t.sec * 1000 + t.nsec / 1e6 : NaN);

/** A clock the test moves, the endpoint on it, and a running installer query collecting updates. */
function start(vql: string, system?: EndpointSystem) {
  let t = Date.UTC(2026, 0, 5, 10, 0, 0);
  const sys = system ?? createSyntheticSystem(profile, { rate: RATE, now: () => t });
  const ac = new AbortController();
  const updates: Row[] = [];
  const host = { system: sys };
  const done = (async () => {
    for await (const e of runVql(vql, { registry, host, clock: () => t, signal: ac.signal })) if (e.kind === "row") updates.push(plain(e.row) as Row);
  })().catch(() => {});
  const one = async (expr: string) => {
    for await (const e of runVql(`SELECT ${expr} AS V FROM scope()`, { registry, host, clock: () => t })) if (e.kind === "row") return plain((e.row as OrderedDict).get("V"));
    return undefined;
  };
  const rows = async (vql: string) => {
    const out: Row[] = [];
    for await (const e of runVql(vql, { registry, host, clock: () => t })) if (e.kind === "row") out.push(plain(e.row) as Row);
    return out;
  };
  return {
    system: sys,
    updates,
    one,
    rows,
    now: () => t,
    /** Moves the clock by `ms` and waits long enough for a sync (sync_period 50 ms) to see it. */
    async advance(ms: number) {
      t += ms;
      await sleep(200);
    },
    async stop() {
      ac.abort();
      await done;
    },
  };
}

/** What the endpoint shows at `t`: its static table and the processes alive then. */
function truth(t: number): Map<number, { pid: number; ppid: number; name: string; start: number }> {
  const m = new Map<number, { pid: number; ppid: number; name: string; start: number }>();
  for (const p of syntheticProcesses(profile) as Iterable<ProcessInfo>) m.set(p.Pid, { pid: p.Pid, ppid: p.Ppid, name: p.Name, start: p.CreateTime.getTime() });
  for (const p of new EndpointActivity(profile, RATE).alive(t)) m.set(p.pid, { pid: p.pid, ppid: p.ppid, name: p.name, start: new Date(p.start).getTime() });
  return m;
}

let running: { stop(): Promise<void> } | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe("process_tracker() with a pslist() sync on a pooled Linux endpoint", () => {
  it("finds a process that appeared with its parent chain, and keeps an exited one with its end time", async () => {
    const r = start(`LET T <= process_tracker(sync_query=${SYNC}, sync_period=50) SELECT * FROM process_tracker_updates()`);
    running = r;
    await sleep(150);
    const t0 = r.now();
    const before = truth(t0);
    await r.advance(3000);
    const t1 = r.now();
    const after = truth(t1);
    const appeared = [...after.values()].filter((p) => !before.has(p.pid) && after.has(p.ppid));
    const exited = [...before.values()].filter((p) => !after.has(p.pid));
    expect(appeared.length).toBeGreaterThan(0);
    expect(exited.length).toBeGreaterThan(0);

    const p = appeared[0];
    const got = (await r.one(`process_tracker_get(id='${p.pid}')`)) as Row;
    expect(got).toMatchObject({ Id: String(p.pid), ParentId: String(p.ppid), EndTime: null });
    expect(msOf(got.StartTime)).toBe(p.start);
    expect((got.Data as Row).Name).toBe(p.name);
    // The chain: the process's ancestors by ppid on the endpoint, the oldest first.
    const expected: number[] = [];
    for (let q = after.get(p.pid); q && !expected.includes(q.pid) && expected.length < 10; q = after.get(q.ppid)) expected.unshift(q.pid);
    const chain = (await r.one(`process_tracker_callchain(id='${p.pid}')`)) as Row[];
    expect(chain.map((e) => e.Id)).toEqual(expected.map(String));

    // Gone from pslist(), still known, with the time of the sync that missed it as its end.
    const q = exited[0];
    const gone = (await r.one(`process_tracker_get(id='${q.pid}')`)) as Row;
    expect(gone).toMatchObject({ Id: String(q.pid), ParentId: String(q.ppid) });
    expect(msOf(gone.EndTime)).toBeGreaterThan(t0);
    expect(msOf(gone.EndTime)).toBeLessThanOrEqual(t1);
    expect((await r.rows("SELECT * FROM process_tracker_pslist()")).some((d) => d.Pid === String(q.pid) && d.EndTime !== null)).toBe(true);

    // The updates: a first "sync" of every process, then start and exit updates for these two.
    expect(r.updates[0].update_type).toBe("sync");
    expect(Object.keys(r.updates[0].data as Row).length).toBe(before.size);
    expect(r.updates.some((u) => u.update_type === "start" && u.id === String(p.pid) && u.parent_id === String(p.ppid))).toBe(true);
    const exit = r.updates.find((u) => u.update_type === "exit" && u.id === String(q.pid))!;
    expect(msOf(exit.end_time)).toBe(msOf(gone.EndTime));
  });

  it("max_size: the oldest exited processes are evicted first", async () => {
    const max = truth(Date.UTC(2026, 0, 5, 10, 0, 0)).size + 40;
    const r = start(`LET T <= process_tracker(sync_query=${SYNC}, sync_period=50, max_size=${max}) SELECT * FROM process_tracker_updates()`);
    running = r;
    await sleep(150);
    for (let i = 0; i < 6; i++) await r.advance(2000);
    const all = (await r.one("process_tracker_all()")) as Row[];
    const now = truth(r.now());
    expect(all.length).toBeLessThanOrEqual(max);
    const live = all.filter((e) => e.EndTime === null);
    expect(new Set(live.map((e) => Number(e.Id)))).toEqual(new Set(now.keys()));
    const kept = all.filter((e) => e.EndTime !== null);
    const exits = r.updates.filter((u) => u.update_type === "exit");
    expect(exits.length).toBeGreaterThan(max - live.length);
    // Exactly max - running exited ones are kept, and none evicted ended after one kept.
    expect(kept.length).toBe(max - live.length);
    const keptIds = new Set(kept.map((e) => e.Id));
    const evicted = exits.filter((u) => !keptIds.has(u.id) && !now.has(Number(u.id)));
    const oldestKept = Math.min(...kept.map((e) => msOf(e.EndTime)));
    for (const u of evicted) expect(msOf(u.end_time)).toBeLessThanOrEqual(oldestKept);
  });

  it("max_expiry: exited processes are dropped once they ended longer ago than that", async () => {
    const r = start(`LET T <= process_tracker(sync_query=${SYNC}, sync_period=50, max_expiry=2) SELECT * FROM process_tracker_updates()`);
    running = r;
    await sleep(150);
    await r.advance(1000);
    await r.advance(1000);
    await r.advance(1000);
    const now = r.now();
    const all = (await r.one("process_tracker_all()")) as Row[];
    const exited = all.filter((e) => e.EndTime !== null);
    expect(exited.length).toBeGreaterThan(0);
    for (const e of exited) expect(now - msOf(e.EndTime)).toBeLessThanOrEqual(2000);
  });
});

describe("process_tracker() with an update_query", () => {
  it("start and exit rows: the process is known with its parent from the sync, then keeps its end time", async () => {
    const init = truth(Date.UTC(2026, 0, 5, 10, 0, 0));
    const parent = [...init.values()].find((p) => p.name === "sshd")!;
    const r = start(`LET T <= process_tracker(sync_query=${SYNC}, sync_period=60000,
        update_query={ SELECT * FROM foreach(row=[
          dict(id=99001, parent_id=${parent.pid}, update_type='start', start_time=1767607200, data=dict(Name='evil', CommandLine='evil -x')),
          dict(id=99001, update_type='exit', end_time=1767607205)]) },
        enrichments=['x => dict(Tag=x.Data.Name + "!")'])
      SELECT * FROM process_tracker_updates()`);
    running = r;
    await sleep(150);
    const got = (await r.one("process_tracker_get(id=99001)")) as Row;
    expect(got).toMatchObject({ Id: "99001", ParentId: String(parent.pid) });
    expect(msOf(got.StartTime)).toBe(1767607200_000);
    expect(msOf(got.EndTime)).toBe(1767607205_000);
    expect(got.Data).toMatchObject({ Name: "evil", CommandLine: "evil -x", Pid: "99001", Ppid: String(parent.pid), Tag: "evil!" });
    const chain = (await r.one("process_tracker_callchain(id=99001)")) as Row[];
    expect(chain.map((e) => e.Id).slice(-2)).toEqual([String(parent.pid), "99001"]);
    const kids = (await r.one(`process_tracker_children(id=${parent.pid})`)) as Row[];
    expect(kids.map((e) => e.Id)).toContain("99001");
  });
});

describe("the tracker's life", () => {
  it("ends with the query that installed it: no more syncs, and lookups go back to pslist()", async () => {
    const base = createSyntheticSystem(profile, { rate: 0 });
    let calls = 0;
    const counting: EndpointSystem = {
      ...base,
      processes: (signal, pid) => {
        calls++;
        return base.processes(signal, pid);
      },
    };
    const r = start(`LET T <= process_tracker(sync_query=${SYNC}, sync_period=20) SELECT * FROM process_tracker_updates()`, counting);
    await sleep(200);
    expect(installedTracker(counting)).toBeDefined();
    expect(calls).toBeGreaterThan(3);
    await r.stop();
    expect(installedTracker(counting)).toBeUndefined();
    const after = calls;
    await sleep(200);
    expect(calls).toBe(after);
    // No tracker: process_tracker_updates() gives one "sync" row from pslist() and ends.
    const rows: Row[] = [];
    for await (const e of runVql("SELECT * FROM process_tracker_updates()", { registry, host: { system: counting } })) if (e.kind === "row") rows.push(plain(e.row) as Row);
    expect(rows.map((u) => u.update_type)).toEqual(["sync"]);
    expect(Object.keys(rows[0].data as Row).length).toBe([...syntheticProcesses(profile)].length);
  });

  it("a sync query without an id column: process_tracker() returns FALSE and installs nothing", async () => {
    const system = createSyntheticSystem(profile, { rate: 0 });
    const rows: unknown[] = [];
    for await (const e of runVql("SELECT process_tracker(sync_query={ SELECT Pid FROM pslist() }) AS T FROM scope()", { registry, host: { system } })) if (e.kind === "row") rows.push(plain(e.row));
    expect(rows).toEqual([{ T: false }]);
    expect(installedTracker(system)).toBeUndefined();
  });
});
