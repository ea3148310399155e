// The notebooks service running real VQL (engine/vql's evaluator with the portable builtins).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/drizzle";
import { createRegistry, portableBuiltins, runVql } from "@/engine/vql";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { startAudit } from "../audit";
import { startLimits } from "../limits";
import type { CellQueryRunner, RunEvent } from "./deps";
import { startNotebooks, type StartedNotebooks } from "./start";
import { principal, recordingHub } from "./testing";

const registry = createRegistry(portableBuiltins);
const runner: CellQueryRunner = (source, o) => runVql(source, { registry, env: o.env, signal: o.signal, maxRows: o.maxRows, permissions: o.principal.permissions }) as AsyncIterable<RunEvent>;
const alice = principal("alice", "analyst");

describe("notebook cells running real VQL", () => {
  let database: Database;
  let svc: StartedNotebooks;
  let t: TestDeps;
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    t = await testServiceDeps(database);
    const audit = startAudit(t);
    svc = await startNotebooks({ ...t, audit, limits: startLimits({ ...t, audit }, t.signal), ui: recordingHub(), templatesDir: "/nonexistent", runQuery: runner, saveArtifact: async () => ({ name: "" }) }, t.signal);
  });
  afterAll(async () => {
    await svc?.stop();
    await t?.stop();
    await database?.close();
  });

  async function run(input: string) {
    const nb = await svc.create(alice, { name: "Real" });
    await svc.update(alice, nb.id, { parameters: [{ name: "Thousands", type: "int", description: "", default: "3" }], env: [{ key: "Who", value: "world" }] });
    const id = nb.cells[0]!.id;
    await svc.runCell(alice, nb.id, id, { input });
    for (let i = 0; i < 500; i++) {
      const c = (await svc.get(alice, nb.id)).cells[0]!;
      if (!["queued", "running"].includes(c.status)) return { nb, cell: c };
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("cell did not finish");
  }

  it("each SELECT gets a table, comments become Markdown, parameters and env are in scope", async () => {
    const { nb, cell } = await run("/* # Counting */\nLET N <= Thousands * 1000\nSELECT _value AS X, Who, NotebookId FROM range(end=N)\n/* ## Dict */\nSELECT dict(`2`=1, `1`=2) AS D FROM scope()");
    expect([cell.status, cell.error, cell.logs]).toEqual(["done", null, []]);
    expect(cell.output).toEqual([
      { kind: "markdown", text: "# Counting" },
      { kind: "table", table: 0 },
      { kind: "markdown", text: "## Dict" },
      { kind: "table", table: 1 },
    ]);
    expect(cell.tables.map((t) => [t.idx, t.rowCount, t.columns])).toEqual([
      [0, 3000, ["X", "Who", "NotebookId"]],
      [1, 1, ["D"]],
    ]);
    const page = await svc.rows(alice, nb.id, cell.id, cell.tables[0]!.id, { offset: 2999, limit: 5 });
    expect(page.rows.map((r) => r.json)).toEqual([`{"X":2999,"Who":"world","NotebookId":"${nb.id}"}`]);
    const dict = await svc.rows(alice, nb.id, cell.id, cell.tables[1]!.id, { offset: 0, limit: 5 });
    expect(dict.rows[0]!.json).toBe('{"D":{"2":1,"1":2}}');
  });

  it("a run-time problem is logged with line:col and the cell still finishes", async () => {
    const { cell } = await run("SELECT *\nFROM no_such_plugin()");
    expect(cell.logs.some((l) => l.level === "ERROR" && /no_such_plugin/.test(l.message))).toBe(true);
  });

  it("a parse warning of a cell that runs is logged once, with its line:col", async () => {
    // `%` is a Talon extension: the parser warns (VQL1502) and the query still runs.
    const { cell } = await run("SELECT 5 % 2 AS R\nFROM scope()");
    expect(cell.status).toBe("done");
    expect(cell.logs.map((l) => [l.level, l.code, l.at])).toEqual([["WARN", "VQL1502", "1:10"]]);
  });

  it("a NUL in a column name (PostgreSQL text cannot hold it) becomes U+FFFD in the column and the row alike; the cell finishes", async () => {
    const { nb, cell } = await run(`SELECT * FROM foreach(row=parse_json_array(data='[{"a\\\\u0000b":1,"c":"x\\\\u0000y"}]'))`);
    expect([cell.status, cell.error]).toEqual(["done", null]);
    expect(cell.tables[0]!.columns).toEqual(["a\uFFFDb", "c"]);
    const page = await svc.rows(alice, nb.id, cell.id, cell.tables[0]!.id, { offset: 0, limit: 5 });
    expect(JSON.parse(page.rows[0]!.json)).toEqual({ "a\uFFFDb": 1, c: "x\u0000y" });
  });
});
