import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { Database } from "../client";
import { testDatabaseTargets } from "../testing";
import * as q from "./index";

const at = new Date("2026-11-22T10:00:00Z");
const base = { description: "", collaborators: [] as string[], isPublic: false, env: [], parameters: [], settings: {}, at };

for (const target of testDatabaseTargets()) {
  describe(`notebook queries on ${target.name}`, () => {
    let database: Database;
    beforeAll(async () => {
      database = await target.open();
    });
    afterAll(async () => database?.close());

    it("listNotebooks() shows a user their own, shared and public notebooks only", async () => {
      const { db } = database;
      await q.createNotebook(db, { ...base, id: "N.A1", name: "Alice private", creator: "alice" });
      await q.createNotebook(db, { ...base, id: "N.A2", name: "Alice shares", creator: "alice", collaborators: ["bob"] });
      await q.createNotebook(db, { ...base, id: "N.C1", name: "Carol public", creator: "carol", isPublic: true });
      const bob = await q.listNotebooks(db, { username: "bob", all: false, scope: "all", sort: "name", limit: 50, offset: 0 });
      expect(bob.rows.map((r) => r.id)).toEqual(["N.A2", "N.C1"]);
      const aliceMine = await q.listNotebooks(db, { username: "alice", all: false, scope: "mine", sort: "name", limit: 50, offset: 0 });
      expect(aliceMine.rows.map((r) => r.id)).toEqual(["N.A1", "N.A2"]);
      const aliceShared = await q.listNotebooks(db, { username: "alice", all: false, scope: "shared", sort: "name", limit: 50, offset: 0 });
      expect(aliceShared.rows.map((r) => r.id)).toEqual(["N.C1"]);
      const search = await q.listNotebooks(db, { username: "x", all: true, scope: "all", search: "SHARES", sort: "name", limit: 50, offset: 0 });
      expect(search.rows.map((r) => r.id)).toEqual(["N.A2"]);
    });

    it("createCell() inserts at a position and keeps the notebook's cell order", async () => {
      const { db } = database;
      await q.createCell(db, { id: "NC.1", notebookId: "N.A1", type: "vql", input: "SELECT 1 FROM scope()", createdBy: "alice", at });
      await q.createCell(db, { id: "NC.2", notebookId: "N.A1", type: "markdown", input: "# hi", createdBy: "alice", at });
      await q.createCell(db, { id: "NC.0", notebookId: "N.A1", type: "markdown", input: "top", createdBy: "alice", at, position: 0 });
      expect((await q.getNotebookById(db, "N.A1")).cellOrder).toEqual(["NC.0", "NC.1", "NC.2"]);
      const cells = await q.listCellsWithCurrent(db, "N.A1");
      expect(cells.find((c) => c.cell.id === "NC.2")?.version.input).toBe("# hi");
    });

    it("addCellVersion() drops the redo tail and keeps only the newest versions", async () => {
      const { db } = database;
      for (let i = 2; i <= 4; i++) await q.addCellVersion(db, { cellId: "NC.1", type: "vql", input: `v${i}`, createdBy: "alice", at, keep: 3 });
      let c = await q.getCellWithCurrent(db, "NC.1");
      expect(c.versions).toEqual([2, 3, 4]);
      expect(c.version.input).toBe("v4");
      c = await q.setCurrentVersion(db, "NC.1", 2, at);
      expect(c.version.input).toBe("v2");
      c = await q.addCellVersion(db, { cellId: "NC.1", type: "vql", input: "branch", createdBy: "bob", at, keep: 3 });
      expect(c.versions).toEqual([2, 3]);
      expect(c.version.input).toBe("branch");
      await expect(q.setCurrentVersion(db, "NC.1", 4, at)).rejects.toThrow(/no version 4/);
    });

    it("result rows keep their key order, page, sort and filter on the server", async () => {
      const { db } = database;
      const c = await q.getCellWithCurrent(db, "NC.1");
      const t = await q.createResultTable(db, { versionId: c.version.id, idx: 0 });
      const rows = Array.from({ length: 250 }, (_, i) => JSON.stringify({ Z: i, A: i % 7 === 0 ? "seven" : `n${i}`, "2": null }));
      await q.appendResultRows(db, { tableId: t.id, firstOrd: 0, rowsJson: rows.slice(0, 100) });
      await q.appendResultRows(db, { tableId: t.id, firstOrd: 100, rowsJson: rows.slice(100) });
      await q.updateResultTable(db, t.id, { rowCount: 250, columns: ["Z", "A", "2"] });
      const page = await q.pageResultRows(db, { tableId: t.id, offset: 10, limit: 3 });
      expect(page.total).toBe(250);
      expect(page.rows.map((r) => r.ord)).toEqual([10, 11, 12]);
      expect(page.rows[0]!.data).toBe(rows[10]);
      const sorted = await q.pageResultRows(db, { tableId: t.id, offset: 0, limit: 2, sort: { column: "Z", desc: true } });
      expect(sorted.rows.map((r) => JSON.parse(r.data).Z)).toEqual([249, 248]);
      const filtered = await q.pageResultRows(db, { tableId: t.id, offset: 0, limit: 100, filter: { column: "A", text: "SEVEN" } });
      expect(filtered.total).toBe(Math.ceil(250 / 7));
      expect(filtered.rows.every((r) => JSON.parse(r.data).Z % 7 === 0)).toBe(true);
      const anywhere = await q.pageResultRows(db, { tableId: t.id, offset: 0, limit: 5, filter: { text: "n24" } });
      expect(anywhere.rows.map((r) => r.ord)).toEqual([24, 240, 241, 242, 243]);
      const all: number[] = [];
      for await (const batch of q.iterateResultRows(db, { tableId: t.id, batch: 64 })) all.push(...batch.map((r) => r.ord));
      expect(all).toEqual(Array.from({ length: 250 }, (_, i) => i));
    });

    it("markInterruptedRuns() marks running versions and leaves finished ones", async () => {
      const { db } = database;
      const c = await q.getCellWithCurrent(db, "NC.2");
      await q.updateVersionRun(db, c.version.id, { status: "running", startedAt: at });
      const ended = await q.createResultTable(db, { versionId: c.version.id, idx: 0 });
      await q.updateResultTable(db, ended.id, { rowCount: 3, columns: ["a"], truncated: false, complete: true });
      const filling = await q.createResultTable(db, { versionId: c.version.id, idx: 1 });
      await q.updateResultTable(db, filling.id, { rowCount: 164_608, columns: ["a"], truncated: false });
      const marked = await q.markInterruptedRuns(db, at);
      expect(marked.map((m) => m.cellId)).toEqual(["NC.2"]);
      expect((await q.getVersionById(db, c.version.id)).status).toBe("interrupted");
      // The table being filled at the stop stays incomplete; the one whose SELECT ended stays complete.
      expect((await q.getResultTable(db, ended.id)).complete).toBe(true);
      expect((await q.getResultTable(db, filling.id)).complete).toBe(false);
      expect(await q.markInterruptedRuns(db, at)).toEqual([]);
    });

    it("collaboration state round-trips as bytes", async () => {
      const { db } = database;
      expect(await q.loadCollabState(db, "N.A1")).toBeUndefined();
      await q.saveCollabState(db, "N.A1", new Uint8Array([1, 2, 3]), at);
      await q.saveCollabState(db, "N.A1", new Uint8Array([4, 5]), at);
      expect(Array.from((await q.loadCollabState(db, "N.A1"))!)).toEqual([4, 5]);
    });

    it("deleteCell() and deleteNotebook() remove the stored rows too", async () => {
      const { db } = database;
      const count = async () => {
        const r = (await db.execute(sql`select count(*)::int as n from notebook_rows`)) as unknown;
        const list = Array.isArray(r) ? r : (r as { rows: { n: number }[] }).rows;
        return Number((list[0] as { n: number }).n);
      };
      expect(await count()).toBe(250);
      await q.deleteCell(db, "N.A1", "NC.1", at);
      expect(await count()).toBe(0);
      expect((await q.getNotebookById(db, "N.A1")).cellOrder).toEqual(["NC.0", "NC.2"]);
      await q.deleteNotebook(db, "N.A1");
      await expect(q.getNotebookById(db, "N.A1")).rejects.toThrow(/no notebook/);
      expect(await q.loadCollabState(db, "N.A1")).toBeUndefined();
    });
  });
}
