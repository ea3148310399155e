import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../client";
import { testDatabaseTargets } from "../testing";
import * as q from "./index";

// Users as an account database would list them; the expected orders below are worked out by
// hand from these rows (numbers numerically, NULL/missing last, ties in stored order).
const USERS = [
  { Name: "root", Uid: 0, Shell: "/bin/bash" },
  { Name: "daemon", Uid: 1, Shell: "/usr/sbin/nologin" },
  { Name: "alice", Uid: 1000, Shell: "/bin/bash" },
  { Name: "bob", Uid: 1001, Shell: "/bin/zsh" },
  { Name: "nobody", Uid: 65534, Shell: "/usr/sbin/nologin" },
  { Name: "sys", Uid: 3, Shell: null },
  { Name: "100%_real", Uid: 20 },
];
const F = { flowId: "F.VIEW1", artifact: "Linux.Sys.Users" };

for (const target of testDatabaseTargets()) {
  describe(`flow result views on ${target.name}`, () => {
    let database: Database;
    beforeAll(async () => {
      database = await target.open();
      await q.writeIngestBatch(database.db, {
        rows: USERS.map((row, ordinal) => ({ ...F, ordinal, row })),
        logs: [],
        sources: [],
        flows: [],
        uploads: [],
        finals: [],
        acks: [],
        at: new Date().toISOString(),
      });
      // Another source of the same flow is never mixed in.
      await q.writeIngestBatch(database.db, { rows: [{ flowId: F.flowId, artifact: "Other", ordinal: 0, row: { Name: "root", Uid: -1 } }], logs: [], sources: [], flows: [], uploads: [], finals: [], acks: [], at: new Date().toISOString() });
    });
    afterAll(async () => database?.close());

    const names = (rows: Array<Record<string, unknown>>) => rows.map((r) => r.Name);

    it("pageFlowResults() sorts numbers numerically both ways, ties and pages in a stable order", async () => {
      const { db } = database;
      const asc = await q.pageFlowResults(db, { ...F, offset: 0, limit: 100, sort: { column: "Uid", desc: false } });
      expect(names(asc)).toEqual(["root", "daemon", "sys", "100%_real", "alice", "bob", "nobody"]);
      const desc = await q.pageFlowResults(db, { ...F, offset: 0, limit: 100, sort: { column: "Uid", desc: true } });
      expect(names(desc)).toEqual(["nobody", "bob", "alice", "100%_real", "sys", "daemon", "root"]);
      const page2 = await q.pageFlowResults(db, { ...F, offset: 2, limit: 2, sort: { column: "Uid", desc: false } });
      expect(names(page2)).toEqual(["sys", "100%_real"]);
      // Missing and null values sort last in either direction.
      const byShell = await q.pageFlowResults(db, { ...F, offset: 0, limit: 100, sort: { column: "Shell", desc: true } });
      expect(names(byShell).slice(-2)).toEqual(["sys", "100%_real"]);
    });

    it("a filter matches one column's value or any value, case-insensitively, with % and _ taken literally", async () => {
      const { db } = database;
      const shells = await q.pageFlowResults(db, { ...F, offset: 0, limit: 100, filter: { column: "Shell", text: "NOLOGIN" } });
      expect(names(shells)).toEqual(["daemon", "nobody"]);
      expect(await q.countFlowResults(db, { ...F, filter: { column: "Shell", text: "nologin" } })).toBe(2);
      // "bash" anywhere: root and alice by their shell (never by a key name).
      expect(names(await q.pageFlowResults(db, { ...F, offset: 0, limit: 100, filter: { text: "bash" } }))).toEqual(["root", "alice"]);
      expect(await q.countFlowResults(db, { ...F, filter: { text: "shell" } })).toBe(0);
      expect(names(await q.pageFlowResults(db, { ...F, offset: 0, limit: 100, filter: { text: "%_" } }))).toEqual(["100%_real"]);
      // Numbers match by their text.
      expect(names(await q.pageFlowResults(db, { ...F, offset: 0, limit: 100, filter: { column: "Uid", text: "100" } }))).toEqual(["alice", "bob"]);
      // Filter and sort together.
      const both = await q.pageFlowResults(db, { ...F, offset: 0, limit: 100, filter: { column: "Shell", text: "/bin/" }, sort: { column: "Uid", desc: true } });
      expect(names(both)).toEqual(["bob", "alice", "root"]);
    });

    it("a column name is a bound value, not SQL: a hostile one matches no key and changes nothing", async () => {
      const { db } = database;
      const hostile = "Name') or true; drop table flow_results; --";
      expect(await q.pageFlowResults(db, { ...F, offset: 0, limit: 100, filter: { column: hostile, text: "root" } })).toEqual([]);
      const sorted = await q.pageFlowResults(db, { ...F, offset: 0, limit: 100, sort: { column: hostile, desc: false } });
      expect(names(sorted)).toEqual(USERS.map((u) => u.Name));
      expect(await q.countFlowResults(db, F)).toBe(USERS.length);
    });

    it("iterateFlowResults() gives every row of the view in batches", async () => {
      const { db } = database;
      const plain: string[] = [];
      for await (const b of q.iterateFlowResults(db, { ...F, batch: 3 })) plain.push(...(names(b) as string[]));
      expect(plain).toEqual(USERS.map((u) => u.Name));
      const view: string[] = [];
      for await (const b of q.iterateFlowResults(db, { ...F, batch: 2, sort: { column: "Uid", desc: true }, filter: { text: "o" } })) view.push(...(names(b) as string[]));
      // Rows with an "o" in some value: root, daemon, bob and nobody (by name or shell).
      expect(view).toEqual(["nobody", "bob", "daemon", "root"]);
    });
  });
}
