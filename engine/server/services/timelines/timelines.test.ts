// The super-timelines service on each test database, through VQL as Velociraptor's artifacts
// call it: timeline_add() stores a query's rows sorted by the key column, timeline() merges
// components in time order with Velociraptor's columns (Timestamp, Message, Description, the
// row's own, _Source), filtered by components / skip / start; timelines() lists;
// timeline_delete() removes one component or all; a notebook not shared with the caller is
// refused; a cancelled add leaves the component as it was.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import { queries, type Database } from "@/drizzle";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "@/engine/vql";
import { permissionsOf } from "../../auth/roles";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { startAudit } from "../audit";
import { serverBuiltins } from "../../plugins";
import type { Principal, TimelinesService, VqlServices } from "@/engine/server/contracts";
import { startTimelines } from ".";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const as = (role: string, username = role): Principal => ({ userId: username, username, role, permissions: permissionsOf(role), via: "session" });
const alice = as("analyst", "alice");
const bob = as("analyst", "bob");
const reader = as("reader", "rita");
const NB = "N.TIMELINE0001";
const NS = 1_000_000_000;

// Three events of a process log, out of order; 2024-08-20T03:18:07Z is 1724123887.
const PROCS = `SELECT * FROM foreach(row=(
    dict(Time=1724123907, Name='c', Msg='third', Kind='exec'),
    dict(Time=1724123887, Name='a', Msg='first', Kind='exec'),
    dict(Time=1724123897, Name='b', Msg='second', Kind='exec')))`;

for (const target of testDatabaseTargets()) {
  describe(`timelines service on ${target.name}`, () => {
    let database: Database;
    let t: TestDeps;
    let timelines: TimelinesService;

    beforeAll(async () => {
      database = await target.open();
      t = await testServiceDeps(database);
      timelines = startTimelines({ ...t, audit: startAudit(t) });
      const base = { name: "case", description: "", collaborators: ["rita"], isPublic: false, env: [], parameters: [], settings: {}, at: new Date(0) };
      await queries.createNotebook(database.db, { ...base, id: NB, creator: "alice" });
    });
    afterAll(async () => {
      await t?.stop();
      await database?.close();
    });

    async function vql(text: string, principal: Principal = alice, env: Record<string, unknown> = {}) {
      const rows: Record<string, unknown>[] = [];
      const logs: string[] = [];
      const services = { timelines } as unknown as VqlServices;
      for await (const e of runVql(text, { registry, env, host: { principal, services }, permissions: principal.permissions })) {
        if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
        if (e.kind === "log" && e.level !== "DEBUG") logs.push(`${e.level} ${e.message}`);
      }
      return { rows, logs };
    }

    it("timeline_add() stores the rows sorted by the key and returns the super-timeline with its first and last time in ns", async () => {
      const { rows, logs } = await vql(`SELECT timeline_add(notebook_id='${NB}', timeline='super', name='procs', key='Time', message_column='Msg', ts_desc_column='Kind', query={ ${PROCS} }) AS T FROM scope()`);
      expect(logs).toEqual([]);
      expect(rows[0]!.T).toEqual({
        name: "super",
        timelines: [{ start_time: 1724123887 * NS, end_time: 1724123907 * NS, id: "procs", timestamp_column: "Time", message_column: "Msg", timestamp_description_column: "Kind" }],
      });
    });

    it("timeline() reads in time order with Velociraptor's columns; the named message and description columns move to Message and Description", async () => {
      const { rows, logs } = await vql(`SELECT * FROM timeline(notebook_id='${NB}', timeline='super')`);
      expect(logs).toEqual([]);
      expect(rows).toEqual([
        { Timestamp: "2024-08-20T03:18:07Z", Message: "first", Description: "exec", Time: 1724123887, Name: "a", _Source: "procs" },
        { Timestamp: "2024-08-20T03:18:17Z", Message: "second", Description: "exec", Time: 1724123897, Name: "b", _Source: "procs" },
        { Timestamp: "2024-08-20T03:18:27Z", Message: "third", Description: "exec", Time: 1724123907, Name: "c", _Source: "procs" },
      ]);
    });

    it("a second component merges in time order; without message_column the row's Message column is the message (kept once); rows without a time are left out", async () => {
      const net = `SELECT * FROM foreach(row=(
        dict(When='2024-08-20T03:18:12Z', Message='conn', Port=22),
        dict(When=NULL, Message='no time', Port=1),
        dict(Message='no key', Port=2),
        dict(When='2024-08-20T03:18:17Z', Message='tie', Port=443)))`;
      const add = await vql(`SELECT timeline_add(notebook_id='${NB}', timeline='super', name='net', key='When', query={ ${net} }) AS T FROM scope()`);
      expect(add.logs).toEqual([]);
      const { rows } = await vql(`SELECT Timestamp, Message, Description, _Source FROM timeline(notebook_id='${NB}', timeline='super')`);
      expect(rows.map((r) => [r.Timestamp, r.Message, r._Source])).toEqual([
        ["2024-08-20T03:18:07Z", "first", "procs"],
        ["2024-08-20T03:18:12Z", "conn", "net"],
        // Equal times: the component added first comes first (Velociraptor's merge keeps the earlier slot).
        ["2024-08-20T03:18:17Z", "second", "procs"],
        ["2024-08-20T03:18:17Z", "tie", "net"],
        ["2024-08-20T03:18:27Z", "third", "procs"],
      ]);
      const all = await vql(`SELECT * FROM timeline(notebook_id='${NB}', timeline='super', components='net')`);
      expect(all.rows[0]).toEqual({ Timestamp: "2024-08-20T03:18:12Z", Message: "conn", Description: "", When: "2024-08-20T03:18:12Z", Port: 22, _Source: "net" });
    });

    it("components, skip and start choose what timeline() reads", async () => {
      const only = await vql(`SELECT Message FROM timeline(notebook_id='${NB}', timeline='super', components=['net'])`);
      expect(only.rows.map((r) => r.Message)).toEqual(["conn", "tie"]);
      const skipped = await vql(`SELECT Message FROM timeline(notebook_id='${NB}', timeline='super', skip=['procs'])`);
      expect(skipped.rows.map((r) => r.Message)).toEqual(["conn", "tie"]);
      const later = await vql(`SELECT Message FROM timeline(notebook_id='${NB}', timeline='super', start='2024-08-20T03:18:17Z')`);
      expect(later.rows.map((r) => r.Message)).toEqual(["second", "tie", "third"]);
      const epoch = await vql(`SELECT Message FROM timeline(notebook_id='${NB}', timeline='super', start=1724123898)`);
      expect(epoch.rows.map((r) => r.Message)).toEqual(["third"]);
    });

    it("the notebook defaults to the scope's NotebookId, and timelines() lists the super-timelines with their components", async () => {
      const { rows } = await vql("SELECT name, timelines.id AS ids FROM timelines()", alice, { NotebookId: NB });
      expect(rows).toEqual([{ name: "super", ids: ["procs", "net"] }]);
      const none = await vql("SELECT * FROM timelines()");
      expect(none.logs).toEqual(["ERROR timelines: Notebook ID must be specified"]);
    });

    it("reading a super-timeline the notebook lacks makes it, empty (the Notebooks.Timelines template relies on it)", async () => {
      const read = await vql(`SELECT * FROM timeline(notebook_id='${NB}', components='Annotation', timeline='Supertimeline')`);
      expect(read).toEqual({ rows: [], logs: [] });
      const { rows } = await vql(`SELECT name FROM timelines(notebook_id='${NB}')`);
      expect(rows.map((r) => r.name)).toEqual(["super", "Supertimeline"]);
    });

    it("adding a component again replaces its rows and keeps its place", async () => {
      await vql(`SELECT timeline_add(notebook_id='${NB}', timeline='super', name='procs', key='Time', message_column='Msg', query={ SELECT * FROM foreach(row=(dict(Time=1724123890, Msg='only'))) }) FROM scope()`);
      const { rows } = await vql(`SELECT Message, _Source FROM timeline(notebook_id='${NB}', timeline='super')`);
      expect(rows.map((r) => r.Message)).toEqual(["only", "conn", "tie"]);
      const list = await vql(`SELECT timelines.id AS ids FROM timelines(notebook_id='${NB}') WHERE name = 'super'`);
      expect(list.rows).toEqual([{ ids: ["procs", "net"] }]);
    });

    it("pages through many rows in order", async () => {
      const add = await vql(`SELECT timeline_add(notebook_id='${NB}', timeline='big', name='n', key='T', query={ SELECT 2500 - _value AS T, _value AS N FROM range(end=2500) }) AS T FROM scope()`);
      expect(add.logs).toEqual([]);
      const { rows } = await vql(`SELECT Time, N FROM timeline(notebook_id='${NB}', timeline='big')`);
      expect(rows.length).toBe(2500);
      expect(rows[0]!.N).toBe(2499);
      expect(rows[2499]!.N).toBe(0);
    });

    it("a notebook not shared with the caller is refused; a reader it is shared with may read but not delete", async () => {
      const denied = await vql(`SELECT * FROM timeline(notebook_id='${NB}', timeline='super')`, bob);
      expect(denied.rows).toEqual([]);
      expect(denied.logs).toEqual(["ERROR timeline: no access: this notebook is not shared with you"]);
      const add = await vql(`SELECT timeline_add(notebook_id='${NB}', timeline='super', name='x', key='T', query={ SELECT now() AS T FROM scope() }) AS T FROM scope()`, bob);
      expect(add.rows).toEqual([{ T: null }]);
      const read = await vql(`SELECT Message FROM timeline(notebook_id='${NB}', timeline='super', components='net')`, reader);
      expect(read.rows.map((r) => r.Message)).toEqual(["conn", "tie"]);
      const del = await vql(`SELECT timeline_delete(notebook_id='${NB}', timeline='super', name='net') AS D FROM scope()`, reader);
      expect(del.rows).toEqual([{ D: null }]);
      expect(del.logs.join()).toMatch(/NOTEBOOK_EDITOR/);
      await expect(timelines.remove(reader, NB, "super", "net")).rejects.toMatchObject({ code: "forbidden" });
    });

    it("a cancelled add leaves the component as it was, and a generation belongs to its writer", async () => {
      const spec = { id: "net", timestampColumn: "When", messageColumn: "", timestampDescriptionColumn: "" };
      const g = await timelines.begin(alice, NB, "super", spec);
      await timelines.append(alice, NB, g, { firstOrd: 0, ts: ["1"], rows: ['{"Message":"half"}'] });
      await expect(timelines.append(bob, NB, g, { firstOrd: 1, ts: ["2"], rows: ["{}"] })).rejects.toMatchObject({ code: "not_found" });
      await timelines.discard(alice, NB, g);
      const { rows } = await vql(`SELECT Message FROM timeline(notebook_id='${NB}', timeline='super', components='net')`);
      expect(rows.map((r) => r.Message)).toEqual(["conn", "tie"]);
    });

    it("a time outside int64 nanoseconds (Go's zero time from an epoch of 0) is kept at the range's start", async () => {
      const add = await vql(`SELECT timeline_add(notebook_id='${NB}', timeline='zero', name='z', key='T', query={ SELECT * FROM foreach(row=(dict(T=0, N='zero'), dict(T=1, N='one'))) }) AS T FROM scope()`);
      expect(add.logs).toEqual([]);
      expect((add.rows[0]!.T as { timelines: Array<{ start_time: number }> }).timelines[0]!.start_time).toBe(-(2 ** 63));
      const { rows } = await vql(`SELECT Timestamp, N FROM timeline(notebook_id='${NB}', timeline='zero')`);
      expect(rows).toEqual([
        { Timestamp: "1677-09-21T00:12:43.145224192Z", N: "zero" },
        { Timestamp: "1970-01-01T00:00:01Z", N: "one" },
      ]);
    });

    it("an add aborted while its rows are being written leaves the component and no rows of its own", async () => {
      const before = await queries.countNotebookTimelineRows(database.db, NB);
      const ac = new AbortController();
      const services = { timelines } as unknown as VqlServices;
      const text = `SELECT timeline_add(notebook_id='${NB}', timeline='super', name='net', key='T', query={ SELECT _value AS T FROM range(end=10000000) }) AS T FROM scope()`;
      const run = (async () => {
        for await (const _ of runVql(text, { registry, host: { principal: alice, services }, permissions: alice.permissions, signal: ac.signal }));
      })();
      // Past the first batches: rows of the new generation are in the table.
      for (let i = 0; i < 400 && (await queries.countNotebookTimelineRows(database.db, NB)) <= before; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await queries.countNotebookTimelineRows(database.db, NB)).toBeGreaterThan(before);
      ac.abort();
      await run.catch(() => undefined);
      for (let i = 0; i < 200 && (await queries.countNotebookTimelineRows(database.db, NB)) !== before; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await queries.countNotebookTimelineRows(database.db, NB)).toBe(before);
      const { rows } = await vql(`SELECT Message FROM timeline(notebook_id='${NB}', timeline='super', components='net')`);
      expect(rows.map((r) => r.Message)).toEqual(["conn", "tie"]);
    });

    it("timeline_delete() removes one component, then every component; an unknown super-timeline is an ERROR and NULL", async () => {
      const one = await vql(`SELECT timeline_delete(notebook_id='${NB}', timeline='super', name='net') AS D FROM scope()`);
      expect(one.rows).toEqual([{ D: true }]);
      expect((await vql(`SELECT _Source FROM timeline(notebook_id='${NB}', timeline='super')`)).rows).toEqual([{ _Source: "procs" }]);
      const all = await vql(`SELECT timeline_delete(notebook_id='${NB}', timeline='super') AS D FROM scope()`);
      expect(all.rows).toEqual([{ D: true }]);
      expect((await vql(`SELECT name, timelines FROM timelines(notebook_id='${NB}') WHERE name = 'super'`)).rows).toEqual([{ name: "super", timelines: [] }]);
      const unknown = await vql(`SELECT timeline_delete(notebook_id='${NB}', timeline='nope') AS D FROM scope()`);
      expect(unknown.rows).toEqual([{ D: null }]);
      expect(unknown.logs).toEqual([`ERROR timeline_delete: no super-timeline nope in notebook ${NB}`]);
    });

    it("deleting the notebook removes its timelines' rows", async () => {
      expect(await queries.countNotebookTimelineRows(database.db, NB)).toBeGreaterThan(0);
      await queries.deleteNotebook(database.db, NB);
      expect(await queries.countNotebookTimelineRows(database.db, NB)).toBe(0);
      await expect(timelines.list(alice, NB)).rejects.toMatchObject({ code: "not_found" });
    });
  });
}
