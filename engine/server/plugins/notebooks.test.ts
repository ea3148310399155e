// The notebook VQL builtins against the real notebooks service (PGlite), with cells that run
// real VQL, so a builtin can be called both from a query and from inside a notebook cell.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/drizzle";
import { createRegistry, describeBuiltins, portableBuiltins, runVql, toJsonValue } from "../../vql";
import { permissionsOf, type Permission } from "../auth/roles";
import { testServiceDeps, type TestDeps } from "../cluster/testing";
import { startAudit } from "../services/audit";
import { startLimits } from "../services/limits";
import type { CellQueryRunner, RunEvent } from "../services/notebooks/deps";
import { startNotebooks, type StartedNotebooks } from "../services/notebooks/start";
import { recordingHub } from "../services/notebooks/testing";
import type { AuditService, CellView, Principal, VqlServices } from "@/engine/server/contracts";
import { notebookBuiltins } from "./notebooks";
import { descriptorProblems, goldenDescriptors } from "./testdata/descriptor-lint";

function principal(username: string, role: string, extra: Permission[] = [], drop: Permission[] = []): Principal {
  const permissions = new Set([...permissionsOf(role), ...extra].filter((p) => !drop.includes(p)));
  return { userId: `u-${username}`, username, role, permissions, via: "session" };
}

const root = principal("root", "administrator");
const admin2 = principal("ada", "administrator");
const alice = principal("alice", "analyst");
const rita = principal("rita", "reader");
/** COLLECT_SERVER without NOTEBOOK_EDITOR: the builtin lets the call through, the service refuses. */
const collector = principal("colin", "reader", ["COLLECT_SERVER"]);

const registry = createRegistry([...portableBuiltins, ...notebookBuiltins]);
const noArtifacts = async (): Promise<{ name: string }> => {
  throw new Error("no artifact repository in this test");
};

describe("notebook VQL builtins", () => {
  let database: Database;
  let svc: StartedNotebooks;
  let audit: AuditService;
  const services = {} as VqlServices;
  let t: TestDeps;
  const dir = mkdtempSync(join(tmpdir(), "talon-nb-vql-"));

  const runner: CellQueryRunner = (source, o) =>
    runVql(source, { registry, env: o.env, signal: o.signal, maxRows: o.maxRows, permissions: o.principal.permissions, host: { principal: o.principal, services: { ...services, notebooks: o.notebooks } } }) as AsyncIterable<RunEvent>;

  beforeAll(async () => {
    writeFileSync(join(dir, "blank.md"), "---\nname: Blank\n---\n\n```vql\n\n```\n");
    writeFileSync(join(dir, "counting.md"), "---\nname: Counting\nparameters:\n  - name: Upto\n    type: int\n    default: '2'\n    description: how far\n---\n\n# Count\n\n```vql\nSELECT * FROM range(end=Upto)\n```\n");
    database = await openDatabase({ memory: true });
    t = await testServiceDeps(database);
    audit = startAudit(t);
    svc = await startNotebooks({ ...t, audit, limits: startLimits({ ...t, audit }, t.signal), ui: recordingHub(), templatesDir: dir, runQuery: runner, saveArtifact: noArtifacts, options: { firstFlushMs: 1 } }, t.signal);
    Object.assign(services, { notebooks: svc });
  });
  afterAll(async () => {
    await svc?.stop();
    await t?.stop();
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(vql: string, who: Principal, env: Record<string, unknown> = {}) {
    const rows: Record<string, unknown>[] = [];
    const logs: string[] = [];
    for await (const e of runVql(vql, { registry, env, permissions: who.permissions, host: { principal: who, services } })) {
      if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
      if (e.kind === "log" && e.level !== "DEBUG") logs.push(`${e.level} ${e.message}`);
    }
    return { rows, logs };
  }

  async function finished(notebookId: string, cellId: string): Promise<CellView> {
    for (let i = 0; i < 500; i++) {
      const c = (await svc.get(root, notebookId)).cells.find((x) => x.id === cellId)!;
      if (!["queued", "running"].includes(c.status)) return c;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("cell did not finish");
  }

  it("notebook_create() makes a notebook owned by the caller, with sharing, env and a template's cells", async () => {
    const r = await run(
      "SELECT notebook_create(name='Triage', description='why', collaborators=['Alice'], public=FALSE, env=dict(Host='web-1'), template='counting', parameters=dict(Upto=5)) AS NB FROM scope()",
      root,
    );
    expect(r.logs).toEqual([]);
    const nb = r.rows[0]!.NB as Record<string, unknown>;
    expect(nb).toMatchObject({ name: "Triage", description: "why", creator: "root", collaborators: ["alice"], public: false, env: [{ key: "Host", value: "web-1" }] });
    expect(nb.parameters).toEqual([{ name: "Upto", type: "int", description: "how far", default: "2", value: "5" }]);
    expect((nb.cell_metadata as { type: string }[]).map((c) => c.type)).toEqual(["markdown", "vql"]);
    expect(nb.url).toBe(`/notebooks/${nb.notebook_id as string}`);
    const stored = await svc.get(root, nb.notebook_id as string);
    expect(stored.name).toBe("Triage");
    expect((await audit.list({ limit: 20, operation: "notebook_create" })).some((e) => e.details.notebook === nb.notebook_id)).toBe(true);
  });

  it("notebook_create() needs COLLECT_SERVER, and the service's NOTEBOOK_EDITOR too", async () => {
    const a = await run("SELECT notebook_create(name='Nope') AS NB FROM scope()", alice);
    expect(a.rows).toEqual([{ NB: null }]);
    expect(a.logs.join("\n")).toMatch(/COLLECT_SERVER/);
    const c = await run("SELECT notebook_create(name='Nope') AS NB FROM scope()", collector);
    expect(c.rows).toEqual([{ NB: null }]);
    expect(c.logs.join("\n")).toMatch(/notebook_create: .*NOTEBOOK_EDITOR/);
    expect((await svc.list(root, { all: true, search: "Nope" })).total).toBe(0);
  });

  it("notebooks() lists what the caller may see; all=TRUE lists every notebook and needs SERVER_ADMIN", async () => {
    const secret = await svc.create(root, { name: "Root's secret" });
    const open = await svc.create(root, { name: "Root's public", isPublic: true });
    const mine = await svc.create(alice, { name: "Alice's own" });
    const names = (rows: Record<string, unknown>[]) => rows.map((r) => r.notebook_id);

    const asAlice = await run("SELECT * FROM notebooks()", alice);
    expect(names(asAlice.rows)).toContain(open.id);
    expect(names(asAlice.rows)).toContain(mine.id);
    expect(names(asAlice.rows)).not.toContain(secret.id);
    expect(asAlice.rows.find((r) => r.notebook_id === mine.id)).toMatchObject({ name: "Alice's own", creator: "alice", public: false, cell_count: 1 });

    const asRoot = await run("SELECT notebook_id FROM notebooks()", root);
    expect(names(asRoot.rows)).not.toContain(mine.id);
    const all = await run("SELECT notebook_id FROM notebooks(all=TRUE)", root);
    expect(names(all.rows)).toEqual(expect.arrayContaining([secret.id, open.id, mine.id]));

    const refused = await run("SELECT * FROM notebooks(all=TRUE)", alice);
    expect(refused.rows).toEqual([]);
    expect(refused.logs.join("\n")).toMatch(/SERVER_ADMIN/);
    const nobody = await run("SELECT * FROM notebooks()", { ...alice, permissions: new Set() });
    expect(nobody.logs.join("\n")).toMatch(/READ_RESULTS/);
  });

  it("notebook_get() reads a shared notebook (verbose adds cell text and results) and is NULL without access", async () => {
    const nb = await svc.create(root, { name: "Readable", collaborators: ["rita"] });
    const cellId = nb.cells[0]!.id;
    await svc.runCell(root, nb.id, cellId, { input: "SELECT _value AS N FROM range(end=3)" });
    await finished(nb.id, cellId);

    const plain = await run("SELECT notebook_get(notebook_id=Id) AS NB FROM scope()", rita, { Id: nb.id });
    const got = plain.rows[0]!.NB as { cell_metadata: Record<string, unknown>[] };
    expect(got.cell_metadata).toEqual([expect.objectContaining({ cell_id: cellId, type: "vql", status: "done", url: `/notebooks/${nb.id}?cell=${cellId}` })]);
    expect(got.cell_metadata[0]).not.toHaveProperty("input");

    const verbose = await run("SELECT notebook_get(notebook_id=Id, verbose=TRUE).cell_metadata[0] AS C FROM scope()", rita, { Id: nb.id });
    expect(verbose.rows[0]!.C).toMatchObject({ input: "SELECT _value AS N FROM range(end=3)", run_by: "root", error: null, output: [{ kind: "table", table: 0 }] });
    expect((verbose.rows[0]!.C as { tables: unknown[] }).tables).toEqual([expect.objectContaining({ index: 0, columns: ["N"], total_rows: 3, truncated: false, complete: true })]);

    const denied = await run("SELECT notebook_get(notebook_id=Id) AS NB FROM scope()", alice, { Id: nb.id });
    expect(denied.rows).toEqual([{ NB: null }]);
    expect(denied.logs.join("\n")).toMatch(/no access/);
    expect((await audit.list({ limit: 5, operation: "notebook_denied", principal: "alice" })).some((e) => e.details.notebook === nb.id)).toBe(true);
  });

  it("notebook_update_cell() adds and runs a VQL cell, saves text without running, adds Markdown and deletes a cell", async () => {
    const nb = await svc.create(root, { name: "Cells" });
    const added = await run("SELECT notebook_update_cell(notebook_id=Id, input='SELECT _value FROM range(end=4)', wait=TRUE) AS C FROM scope()", root, { Id: nb.id });
    expect(added.logs).toEqual([]);
    const c = added.rows[0]!.C as Record<string, unknown>;
    expect(c).toMatchObject({ notebook_id: nb.id, type: "vql", status: "done", input: "SELECT _value FROM range(end=4)", run_by: "root" });
    expect((c.tables as { total_rows: number }[])[0]!.total_rows).toBe(4);

    const saved = await run("SELECT notebook_update_cell(notebook_id=Id, cell_id=Cell, input='SELECT 1 FROM scope()', run=FALSE) AS C FROM scope()", root, { Id: nb.id, Cell: c.cell_id });
    expect(saved.rows[0]!.C).toMatchObject({ cell_id: c.cell_id, status: "edited", input: "SELECT 1 FROM scope()" });

    const md = await run("SELECT notebook_update_cell(notebook_id=Id, type='Markdown', input='# Notes', position=0) AS C FROM scope()", root, { Id: nb.id });
    const mdCell = md.rows[0]!.C as Record<string, unknown>;
    expect(mdCell).toMatchObject({ type: "markdown", input: "# Notes" });
    const view = await svc.get(root, nb.id);
    expect(view.cells.map((x) => x.id)).toEqual([mdCell.cell_id, nb.cells[0]!.id, c.cell_id]);

    const gone = await run("SELECT notebook_update_cell(notebook_id=Id, cell_id=Cell, delete=TRUE) AS C FROM scope()", root, { Id: nb.id, Cell: c.cell_id });
    expect(gone.rows[0]!.C).toEqual({ notebook_id: nb.id, cell_id: c.cell_id, deleted: true });
    expect((await svc.get(root, nb.id)).cells.map((x) => x.id)).not.toContain(c.cell_id);

    const badType = await run("SELECT notebook_update_cell(notebook_id=Id, type='html', input='x') AS C FROM scope()", root, { Id: nb.id });
    expect(badType.logs.join("\n")).toMatch(/`vql` or `markdown`/);
  });

  it("notebook_update_cell() keeps the service's rules: no access to unshared notebooks, COLLECT_SERVER declared", async () => {
    const nb = await svc.create(root, { name: "Private cells" });
    const other = await run("SELECT notebook_update_cell(notebook_id=Id, input='SELECT 1 FROM scope()') AS C FROM scope()", admin2, { Id: nb.id });
    expect(other.rows).toEqual([{ C: null }]);
    expect(other.logs.join("\n")).toMatch(/no access/);
    const analyst = await run("SELECT notebook_update_cell(notebook_id=Id, input='x') AS C FROM scope()", alice, { Id: nb.id });
    expect(analyst.logs.join("\n")).toMatch(/COLLECT_SERVER/);
    expect((await svc.get(root, nb.id)).cells).toHaveLength(1);
  });

  it("a notebook cell can add another cell with these builtins, but cannot change itself", async () => {
    const nb = await svc.create(root, { name: "From a cell" });
    const cellId = nb.cells[0]!.id;
    await svc.runCell(root, nb.id, cellId, { input: "SELECT notebook_update_cell(notebook_id=NotebookId, type='markdown', input='made by a cell').type AS T FROM scope()" });
    const done = await finished(nb.id, cellId);
    expect([done.status, done.logs]).toEqual(["done", []]);
    const view = await svc.get(root, nb.id);
    expect(view.cells.map((c) => c.input)).toEqual([done.input, "made by a cell"]);

    await svc.runCell(root, nb.id, cellId, { input: "SELECT notebook_update_cell(notebook_id=NotebookId, cell_id=NotebookCellId, delete=TRUE) AS C FROM scope()" });
    const self = await finished(nb.id, cellId);
    expect(self.status).toBe("done");
    expect(self.logs.map((l) => l.message).join("\n")).toMatch(/cannot change or delete itself/);
  });

  it("notebook_update() changes a notebook; only its creator changes sharing", async () => {
    const nb = await svc.create(root, { name: "Shared", collaborators: ["ada"] });
    const r = await run("SELECT notebook_update(notebook_id=Id, description='new', env=dict(A=1)) AS NB FROM scope()", admin2, { Id: nb.id });
    expect(r.rows[0]!.NB).toMatchObject({ description: "new", env: [{ key: "A", value: "1" }] });
    const share = await run("SELECT notebook_update(notebook_id=Id, public=TRUE) AS NB FROM scope()", principal("ada", "investigator", ["COLLECT_SERVER"]), { Id: nb.id });
    expect(share.logs.join("\n")).toMatch(/only the notebook's creator/);
    expect((await svc.get(root, nb.id)).isPublic).toBe(false);
  });

  it("notebook_delete() is a dry run without really_do_it, needs SERVER_ADMIN, and deletes through the service", async () => {
    const nb = await svc.create(root, { name: "Doomed", collaborators: ["alice"] });
    const dry = await run("SELECT notebook_delete(notebook_id=Id) AS D FROM scope()", root, { Id: nb.id });
    expect(dry.rows[0]!.D).toMatchObject({ notebook_id: nb.id, name: "Doomed", deleted: false });
    expect(dry.logs.join("\n")).toMatch(/really_do_it=TRUE/);
    expect((await svc.get(root, nb.id)).name).toBe("Doomed");

    const analyst = await run("SELECT notebook_delete(notebook_id=Id, really_do_it=TRUE) AS D FROM scope()", alice, { Id: nb.id });
    expect(analyst.rows).toEqual([{ D: null }]);
    expect(analyst.logs.join("\n")).toMatch(/SERVER_ADMIN/);
    const unshared = await run("SELECT notebook_delete(notebook_id=Id, really_do_it=TRUE) AS D FROM scope()", admin2, { Id: nb.id });
    expect(unshared.logs.join("\n")).toMatch(/no access/);

    const real = await run("SELECT notebook_delete(notebook_id=Id, really_do_it=TRUE) AS D FROM scope()", root, { Id: nb.id });
    expect(real.rows[0]!.D).toMatchObject({ notebook_id: nb.id, deleted: true });
    await expect(svc.get(root, nb.id)).rejects.toThrow(/no notebook/);
    expect((await audit.list({ limit: 5, operation: "notebook_delete" })).some((e) => e.details.notebook === nb.id)).toBe(true);
  });

  it("document every builtin and argument, run on the server, declare permissions, and match the golden", () => {
    expect(descriptorProblems(describeBuiltins(notebookBuiltins))).toEqual([]);
    const { stored, now } = goldenDescriptors(notebookBuiltins, "notebooks-descriptors.golden.json");
    expect(now).toBe(stored);
  });
});
