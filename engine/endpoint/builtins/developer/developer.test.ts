// The developer builtins over a stand-in process's diagnostics: Velociraptor's row shapes
// (vql/golang/profile.go, goroutines.go, memory.go, trace.go; vql/server/logging.go), the
// Node.js profiles they map to, and the memory ring and query log behind them.
import { existsSync, readFileSync } from "node:fs";
import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { createRegistry, defineFunction, portableBuiltins, runVql, toJsonValue, arg, type Builtin } from "@/engine/vql";
import type { ProcessDiagnostics } from "@/engine/endpoint/diagnostics/diagnostics";
import { LogRing } from "@/engine/endpoint/diagnostics/log-ring";
import { QueryLog } from "@/engine/endpoint/diagnostics/query-log";
import { developerBuiltins } from ".";
import { parseStack } from "./goroutines";

function standIn(ring = new LogRing(), queries = new QueryLog()): ProcessDiagnostics {
  return { component: "client", logs: (after) => ring.since(after), queries: () => queries.get(), metrics: () => [{ name: "m", help: "a metric", value: 7 }] };
}

async function run(vql: string, o: { diagnostics?: ProcessDiagnostics; extra?: Builtin[]; permissions?: Set<string> } = {}) {
  const registry = createRegistry([...portableBuiltins, ...developerBuiltins, ...(o.extra ?? [])]);
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry, host: { diagnostics: o.diagnostics ?? standIn() }, permissions: o.permissions })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

describe("LogRing", () => {
  it("keeps the newest `capacity` lines in order and answers the lines after a sequence number", () => {
    const ring = new LogRing(3);
    for (const m of ["a", "b", "c", "d", "e"]) ring.push("info", m, "server");
    expect(ring.seq).toBe(5);
    expect(ring.since(0).map((l) => [l.seq, l.msg, l.level])).toEqual([
      [3, "c", "INFO"],
      [4, "d", "INFO"],
      [5, "e", "INFO"],
    ]);
    expect(ring.since(4).map((l) => l.msg)).toEqual(["e"]);
    expect(ring.since(5)).toEqual([]);
  });
});

describe("QueryLog", () => {
  it("records a running query with Duration 0 and a finished one in nanoseconds, dropping the oldest finished first", () => {
    let now = 1_000;
    const log = new QueryLog(2, () => now);
    const endA = log.begin("SELECT 1");
    log.begin("SELECT 2");
    now = 3_000;
    endA();
    expect(log.get()).toEqual([
      { Start: new Date(1_000).toISOString(), Duration: 2_000 * 1_000_000, Query: "SELECT 1" },
      { Start: new Date(1_000).toISOString(), Duration: 0, Query: "SELECT 2" },
    ]);
    log.begin("SELECT 3");
    expect(log.get().map((q) => q.Query)).toEqual(["SELECT 2", "SELECT 3"]);
  });
});

describe("profile()", () => {
  it("logs=TRUE gives Velociraptor's {Type, Line, Profile} rows of the memory ring", async () => {
    const ring = new LogRing();
    ring.push("warn", "disk is slow", "client", "2026-01-02T03:04:05.000Z");
    const { rows } = await run("SELECT * FROM profile(logs=TRUE)", { diagnostics: standIn(ring) });
    expect(rows).toEqual([{ Type: "logs", Line: "2026-01-02T03:04:05.000Z WARN disk is slow", Profile: "logs" }]);
  });

  it("queries=TRUE gives Line.Start, Line.Duration and Line.Query (what Generic.Client.Profile's RunningQueries reads)", async () => {
    let now = 0;
    const queries = new QueryLog(10, () => now);
    const end = queries.begin("SELECT * FROM info()");
    now = 5_000;
    end();
    queries.begin("SELECT * FROM clock()");
    const { rows } = await run("SELECT Line.Query AS Query, Line.Duration AS D FROM profile(queries=TRUE) WHERE NOT Line.Duration", { diagnostics: standIn(new LogRing(), queries) });
    expect(rows).toEqual([{ Query: "SELECT * FROM clock()", D: 0 }]);
  });

  it("metrics=TRUE passes the metrics with Profile set; type is a regex over logs, queries and metrics", async () => {
    expect((await run("SELECT * FROM profile(metrics=TRUE)")).rows).toEqual([{ name: "m", help: "a metric", value: 7, Profile: "metrics" }]);
    expect((await run("SELECT Profile FROM profile(type='met.*')")).rows).toEqual([{ Profile: "metrics" }]);
    expect((await run("SELECT * FROM profile(type='(')")).logs.some((l) => l.startsWith("ERROR profile:"))).toBe(true);
  });

  it("allocs, heap and goroutine write temp files (OSPath) that exist during the query and are removed after it", async () => {
    const { rows } = await run("SELECT Type, Line, OSPath, stat(filename=OSPath).Size > 0 AS Written FROM profile(allocs=TRUE, goroutine=TRUE)", {
      extra: [defineFunction({ name: "stat", category: "t", doc: "t", args: { filename: arg.string().doc("f") }, permissions: [], run: ({ filename }) => ({ Size: existsSync(filename!) ? readFileSync(filename!).length : 0 }) })],
    });
    expect(rows.map((r) => [r.Type, r.Line, r.Written])).toEqual([
      ["allocs", "Generating profile allocs", true],
      ["goroutine", "Generating profile goroutine", true],
    ]);
    await new Promise((r) => setTimeout(r, 50));
    for (const r of rows) expect(existsSync(r.OSPath as string)).toBe(false);
  });

  it("profile=TRUE writes a V8 CPU profile over `duration` seconds", async () => {
    let profile: { nodes?: unknown[]; startTime?: number; endTime?: number } = {};
    const peek = defineFunction({ name: "peek", category: "t", doc: "t", args: { path: arg.string().doc("p") }, permissions: [], run: ({ path }) => ((profile = JSON.parse(readFileSync(path!, "utf8"))), true) });
    const { rows } = await run("SELECT Type, peek(path=OSPath) AS Read FROM profile(profile=TRUE, duration=1)", { extra: [peek] });
    expect(rows).toEqual([{ Type: "profile", Read: true }]);
    expect(profile.nodes?.length).toBeGreaterThan(0);
    expect((profile.endTime! - profile.startTime!) / 1e6).toBeGreaterThanOrEqual(0.9);
  });

  it("block and mutex say they have no Node.js equivalent", async () => {
    const { rows, logs } = await run("SELECT * FROM profile(block=TRUE, mutex=TRUE)");
    expect(rows).toEqual([]);
    expect(logs.filter((l) => l.includes("no Node.js equivalent")).length).toBe(2);
  });

  it("needs MACHINE_STATE", async () => {
    const { rows, logs } = await run("SELECT * FROM profile(logs=TRUE)", { permissions: new Set(["READ_RESULTS"]) });
    expect(rows).toEqual([]);
    expect(logs.join("\n")).toContain("MACHINE_STATE");
  });
});

describe("profile_goroutines() and profile_memory()", () => {
  it("parse `at` stack lines into Name, File, Line", () => {
    expect(parseStack(["at run (/app/engine/x.ts:10:3)", "at /app/y.js:7:1", "    at async Promise.all (index 0)"])).toEqual([
      { Name: "run", File: "/app/engine/x.ts", Line: 10 },
      { Name: "<anonymous>", File: "/app/y.js", Line: 7 },
      { Name: "async Promise.all (index 0)", File: "", Line: 0 },
    ]);
  });

  it("give {Count, CallStack}: strings `name file:line`, or {Name, File, Line} dicts when verbose", async () => {
    const concise = (await run("SELECT * FROM profile_goroutines()")).rows;
    expect(concise.length).toBeGreaterThan(0);
    for (const r of concise) {
      expect(Object.keys(r)).toEqual(["Count", "CallStack"]);
      for (const f of r.CallStack as unknown[]) expect(f).toMatch(/ \S*:\d+$/);
    }
    const verbose = (await run("SELECT * FROM profile_goroutines(verbose=TRUE)")).rows;
    for (const r of verbose) for (const f of r.CallStack as Record<string, unknown>[]) expect(Object.keys(f)).toEqual(["Name", "File", "Line"]);
  });

  it("profile_memory gives V8's heap spaces as InUseBytes, InUseObjects, CallStack", async () => {
    const { rows } = await run("SELECT InUseBytes, CallStack[0].Name AS Space FROM profile_memory() ORDER BY InUseBytes DESC");
    expect(rows.map((r) => r.Space)).toContain("old_space");
    expect(rows.every((r) => typeof r.InUseBytes === "number")).toBe(true);
  });
});

describe("trace()", () => {
  it("uploads Trace<unix>.zip holding the report, heap statistics, logs, queries and metrics", async () => {
    const ring = new LogRing();
    ring.push("info", "hello", "client", "2026-01-01T00:00:00.000Z");
    let uploaded: { name?: string; zip?: Record<string, Uint8Array> } = {};
    const upload = defineFunction({
      name: "upload",
      category: "t",
      doc: "t",
      args: { file: arg.string().doc("f"), name: arg.string().doc("n"), accessor: arg.string().doc("a") },
      permissions: [],
      run: ({ file, name }) => ((uploaded = { name, zip: unzipSync(readFileSync(file!)) }), { Path: name }),
    });
    const { rows, logs } = await run("SELECT trace() AS T FROM scope()", { diagnostics: standIn(ring), extra: [upload] });
    expect(logs).toEqual([]);
    expect(rows).toEqual([{ T: { Path: uploaded.name } }]);
    expect(uploaded.name).toMatch(/^Trace\d+\.zip$/);
    expect(Object.keys(uploaded.zip!).sort()).toEqual(["heap.json", "logs.txt", "metrics.jsonl", "queries.jsonl", "report.json"]);
    expect(strFromU8(uploaded.zip!["logs.txt"]!)).toBe("2026-01-01T00:00:00.000Z INFO hello\n");
    expect(strFromU8(uploaded.zip!["metrics.jsonl"]!)).toBe('{"name":"m","value":7}\n');
    expect(JSON.parse(strFromU8(uploaded.zip!["report.json"]!)).environmentVariables).toBeUndefined();
  });

  it("is version 1, so Generic.Client.Trace's `if(condition=version(function=\"trace\"))` runs it", async () => {
    expect((await run("SELECT version(function='trace') AS V, version(plugin='profile') AS P, version(plugin='logging') AS L FROM scope()")).rows).toEqual([{ V: 1, P: 2, L: 2 }]);
  });

  it("is NULL where the run has no upload()", async () => {
    const registry = createRegistry([...portableBuiltins.filter((b) => b.name !== "upload"), ...developerBuiltins]);
    for await (const e of runVql("SELECT trace() AS T FROM scope()", { registry, host: { diagnostics: standIn() } })) if (e.kind === "row") expect(toJsonValue(e.row)).toEqual({ T: null });
  });
});

describe("logging()", () => {
  it("prelog=TRUE gives the ring's lines first as {Time, Level, Msg}, then each new line as it is logged", async () => {
    const ring = new LogRing();
    ring.push("info", "before", "client", "2026-01-01T00:00:00.000Z");
    const t = setTimeout(() => ring.push("error", "after", "client", "2026-01-01T00:00:01.000Z"), 50);
    const { rows } = await run("SELECT * FROM logging(prelog=TRUE) LIMIT 2", { diagnostics: standIn(ring) });
    clearTimeout(t);
    expect(rows).toEqual([
      { Time: "2026-01-01T00:00:00Z", Level: "INFO", Msg: "before" },
      { Time: "2026-01-01T00:00:01Z", Level: "ERROR", Msg: "after" },
    ]);
  });

  it("without prelog starts at the next line; component filters by the log it names", async () => {
    const ring = new LogRing();
    ring.push("info", "old", "client");
    const t = setTimeout(() => {
      ring.push("info", "server line", "server");
      ring.push("info", "client line", "client");
    }, 50);
    const { rows } = await run("SELECT Msg FROM logging(component='client') LIMIT 1", { diagnostics: standIn(ring) });
    clearTimeout(t);
    expect(rows).toEqual([{ Msg: "client line" }]);
  });

  it("an unknown component is logged with the supported ones, and nothing is watched", async () => {
    const { rows, logs } = await run("SELECT * FROM logging(component='nope')");
    expect(rows).toEqual([]);
    expect(logs.join("\n")).toContain("logging: Unknown component nope: The following are supported generic, client, frontend, gui, api, tool");
  });

  it("needs SERVER_ADMIN, as Velociraptor's does", async () => {
    const { logs } = await run("SELECT * FROM logging()", { permissions: new Set(["MACHINE_STATE"]) });
    expect(logs.join("\n")).toContain("SERVER_ADMIN");
  });
});
