import { describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins } from "../builtins/registry";
import { definePlugin, defineFunction } from "../builtins/define";
import { arg } from "../builtins/arg";
import { toJsonText } from "../values/json";
import { runVql, runVqlChunks, type VqlEvent } from "./run";
import { collect, rowsOf } from "./testing";

describe("runVql events", () => {
  it("emits select-start (with the preceding block comment), rows and select-end per SELECT", async () => {
    const vql = "LET X = 1\n/* Title\n text */ -- not this\nSELECT X FROM scope()\nSELECT 2 AS Y FROM range(end=2)";
    const r = await collect(vql);
    const kinds = r.events.map((e) => (e.kind === "select-start" ? `start:${e.statement}:${e.comment ?? ""}` : e.kind === "select-end" ? `end:${e.statement}:${e.rows}:${e.truncated}` : e.kind));
    expect(kinds).toEqual(["start:1:Title\n text", "row", "end:1:1:false", "start:2:", "row", "row", "end:2:2:false"]);
    const start = r.events[0] as Extract<VqlEvent, { kind: "select-start" }>;
    expect(vql.slice(start.span.start, start.span.end)).toBe("SELECT X FROM scope()");
  });

  it("runs nothing when the text has a parse error, and reports it as a log with code and span", async () => {
    const r = await collect("SELECT 1 AS X FROM scope()\nSELECT 1 == 1 FROM scope()");
    expect(r.rows).toEqual([]);
    expect(r.logs).toEqual(["ERROR 2:10 VQL1016 `==` is not a VQL operator; use `=` to compare"]);
  });

  it("caps rows per SELECT with maxRows and says whether rows were dropped", async () => {
    const r = await collect("SELECT * FROM range(end=5) SELECT * FROM range(end=2)", { maxRows: 2 });
    const ends = r.events.filter((e) => e.kind === "select-end");
    expect(ends).toEqual([
      { kind: "select-end", statement: 0, rows: 2, truncated: true },
      { kind: "select-end", statement: 1, rows: 2, truncated: false },
    ]);
  });

  it("passes env variables and the injected clock", async () => {
    const rows = await rowsOf("SELECT Name, now() AS T FROM scope()", { env: { Name: "x" }, clock: () => 1_700_000_000_500 });
    expect(rows).toEqual(['{"Name":"x","T":1700000000}']);
  });

  it("delivers the same rows in chunks through runVqlChunks", async () => {
    const registry = createRegistry(portableBuiltins);
    let rows = 0;
    let chunks = 0;
    for await (const c of runVqlChunks("SELECT * FROM range(end=2000)", { registry })) {
      if (c.kind === "rows") {
        chunks++;
        rows += c.rows.length;
        expect(c.rows.length).toBeLessThanOrEqual(512);
      }
    }
    expect(rows).toBe(2000);
    expect(chunks).toBeGreaterThanOrEqual(4);
  });

  it("keeps log lines before the rows they were produced with", async () => {
    const r = await collect("SELECT log(message='row %v', args=_value, dedup=-1) AS L FROM range(end=2)");
    expect(r.events.map((e) => (e.kind === "log" ? e.message : e.kind))).toEqual(["select-start", "row 0", "row", "row 1", "row", "select-end"]);
  });

  it("delivers a log line written while the source waits, before its next row", async () => {
    let release!: () => void;
    const waiter = definePlugin({
      name: "waiter",
      category: "test",
      doc: "Test plugin: logs, then waits to be released before its row.",
      args: {},
      async *run(_args, ctx) {
        ctx.log("INFO", "ready");
        await new Promise<void>((r) => (release = r));
        yield { Done: true };
      },
    });
    const events: string[] = [];
    for await (const e of runVql("SELECT * FROM waiter()", { registry: createRegistry([...portableBuiltins, waiter]) })) {
      events.push(e.kind === "log" ? e.message : e.kind);
      if (e.kind === "log") release();
    }
    expect(events).toEqual(["select-start", "ready", "row", "select-end"]);
  });

  it("suppresses a message repeated more than 10 times", async () => {
    const r = await collect("SELECT Nope FROM range(end=50)");
    const notFound = r.logs.filter((l) => l.includes("Symbol Nope not found"));
    expect(notFound).toHaveLength(11);
    expect(notFound.at(-1)).toContain("(repeated messages suppressed)");
  });
});

describe("cancellation", () => {
  const finallyRan: string[] = [];
  const probe = definePlugin({
    name: "probe",
    category: "test",
    doc: "Test plugin: rows forever, records its finally.",
    args: { id: arg.string().required().doc("Id recorded when the producer finishes.") },
    async *run({ id }, ctx) {
      try {
        for (let i = 0; ; i++) {
          ctx.signal.throwIfAborted();
          yield { i };
          await new Promise((r) => setTimeout(r, 1));
        }
      } finally {
        finallyRan.push(id);
      }
    },
  });

  it("a consumer break stops the producer (its finally runs)", async () => {
    const registry = createRegistry([...portableBuiltins, probe]);
    for await (const e of runVql("SELECT * FROM probe(id='brk')", { registry })) if (e.kind === "row") break;
    expect(finallyRan).toContain("brk");
  });

  it("LIMIT closes the source after the last row", async () => {
    const rows = await rowsOf("SELECT * FROM probe(id='lim') LIMIT 3", { extra: [probe] });
    expect(rows).toHaveLength(3);
    expect(finallyRan).toContain("lim");
  });

  it("an abort while a builtin awaits ends the run within 100 ms", async () => {
    const registry = createRegistry(portableBuiltins);
    const ac = new AbortController();
    const started = performance.now();
    setTimeout(() => ac.abort(), 50);
    const logs: string[] = [];
    for await (const e of runVql("SELECT sleep(time=30) FROM scope()", { registry, signal: ac.signal })) if (e.kind === "log") logs.push(e.message);
    expect(performance.now() - started).toBeLessThan(150);
    expect(logs).toContain("query cancelled");
  });

  it("timeoutMs stops a long query and says so", async () => {
    const started = performance.now();
    const r = await collect("SELECT count() AS C FROM range(end=1000000000) GROUP BY 1", { timeoutMs: 100 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r.logs.some((l) => l.includes("VQL3014 query timed out after 0.1s"))).toBe(true);
  });
});

describe("permissions", () => {
  const secret = defineFunction({
    name: "secret",
    category: "test",
    doc: "Test function needing EXECVE.",
    args: {},
    permissions: ["EXECVE"],
    run: () => "s3cret",
  });
  const secretRows = definePlugin({
    name: "secret_rows",
    category: "test",
    doc: "Test plugin needing EXECVE.",
    args: {},
    permissions: ["EXECVE"],
    *run() {
      yield { A: 1 };
    },
  });

  it("denies a builtin before it runs: logged error, NULL / no rows", async () => {
    const r = await collect("SELECT secret() AS S FROM scope() SELECT * FROM secret_rows()", {
      extra: [secret, secretRows],
      permissions: new Set(["READ_RESULTS"]),
    });
    expect(r.rows).toEqual(['{"S":null}']);
    expect(r.logs).toEqual([
      "ERROR 1:8 VQL3004 permission denied: `secret()` needs EXECVE",
      "ERROR 1:49 VQL3004 permission denied: `secret_rows()` needs EXECVE",
    ]);
  });

  it("allows it with the permission, and when permissions are unrestricted", async () => {
    expect(await rowsOf("SELECT secret() AS S FROM scope()", { extra: [secret], permissions: new Set(["EXECVE"]) })).toEqual(['{"S":"s3cret"}']);
    expect(await rowsOf("SELECT secret() AS S FROM scope()", { extra: [secret] })).toEqual(['{"S":"s3cret"}']);
  });
});

describe("dynamic plugins", () => {
  it("resolves dotted FROM names through resolvePlugin, with arguments", async () => {
    const artifact = definePlugin({
      name: "Artifact.Test.Echo",
      category: "artifact",
      doc: "Test artifact.",
      args: {},
      rest: arg.any().doc("Parameters."),
      *run(_a, _ctx, rest) {
        yield Object.fromEntries(rest);
      },
    });
    const registry = createRegistry(portableBuiltins);
    const rows: string[] = [];
    for await (const e of runVql("SELECT * FROM Artifact.Test.Echo(A=1, B='x')", {
      registry,
      resolvePlugin: (n) => (n === "Artifact.Test.Echo" ? artifact : undefined),
    })) {
      if (e.kind === "row") rows.push(toJsonText(e.row));
    }
    expect(rows).toEqual(['{"A":1,"B":"x"}']);
  });
});
