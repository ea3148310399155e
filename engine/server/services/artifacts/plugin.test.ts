import { describe, expect, it } from "vitest";
import { createLogger } from "../../log";
import { permissionsOf } from "../../auth/roles";
import { createRegistry, definePlugin, portableBuiltins, runVql, toJsonValue, type VqlEvent } from "@/engine/vql";
import { parseOnly } from "@/engine/artifacts";
import { pluginFor } from "./plugin";
import { Repository } from "./repository";

const GREET = `name: Test.Greet
parameters:
  - name: Who
    default: world
  - name: Times
    type: int
    default: "2"
  - name: Loud
    type: bool
  - name: Since
    type: timestamp
    default: "2024-01-02T03:04:05Z"
  - name: Extra
    type: csv
    default: |
      Key
      a
      b
precondition: SELECT * FROM scope() WHERE Who != 'nobody'
export: |
  LET Shout(x) = upcase(string=x)
sources:
  - name: Hello
    query: |
      SELECT format(format="hello %v", args=if(condition=Loud, then=Shout(x=Who), else=Who)) AS Greeting,
             Times, typeof(a=Times) AS TimesType, Since.Year AS Year, len(list=Extra) AS ExtraRows
      FROM scope()
  - name: Count
    precondition: SELECT * FROM scope() WHERE Times > 100
    query: SELECT _value AS N FROM range(start=0, end=Times)
`;

const SECRET = `name: Test.Secret
required_permissions: [EXECVE]
sources:
  - query: SELECT 1 AS One FROM scope()
`;

const NESTED = `name: Test.Nested
sources:
  - query: SELECT * FROM Artifact.Test.Greet.Hello(Who="nested")
`;

const LOOP = `name: Test.Loop
sources:
  - query: SELECT * FROM Artifact.Test.Loop()
`;

const READS = `name: Test.Reads
sources:
  - query: SELECT * FROM guarded()
`;

function repo(): Repository {
  const r = new Repository("Custom.", parseOnly, createLogger({ quiet: true }));
  r.loadBuiltins(
    [GREET, SECRET, NESTED, LOOP, READS].map((text, i) => ({ path: `/defs/${i}.yaml`, text })),
    "/defs",
  );
  return r;
}

const guarded = definePlugin({
  name: "guarded",
  doc: "A plugin that needs FILESYSTEM_READ.",
  category: "test",
  args: {},
  permissions: ["FILESYSTEM_READ"],
  *run() {
    yield { Read: true };
  },
});
const registry = createRegistry([...portableBuiltins, guarded]);

async function run(vql: string, permissions?: ReadonlySet<string>) {
  const r = repo();
  const rows: unknown[] = [];
  const logs: string[] = [];
  const events: AsyncIterable<VqlEvent> = runVql(vql, { registry, permissions, resolvePlugin: (n) => pluginFor(r, n) });
  for await (const e of events) {
    if (e.kind === "row") rows.push(toJsonValue(e.row));
    if (e.kind === "log" && (e.level === "ERROR" || e.level === "WARN")) logs.push(e.message);
  }
  return { rows, logs };
}

describe("Artifact.X() plugins", () => {
  it("run every source with parameter defaults converted to their types, tagging rows with _Source", async () => {
    const { rows, logs } = await run("SELECT * FROM Artifact.Test.Greet()");
    expect(logs).toEqual([]);
    expect(rows[0]).toEqual({ Greeting: "hello world", Times: 2, TimesType: "int64", Year: 2024, ExtraRows: 2, _Source: "Test.Greet/Hello" });
    expect(rows.slice(1)).toEqual([
      { N: 0, _Source: "Test.Greet/Count" },
      { N: 1, _Source: "Test.Greet/Count" },
    ]);
  });

  it("take arguments as parameters: strings are converted, typed values kept, exports usable", async () => {
    const { rows } = await run(`SELECT * FROM Artifact.Test.Greet(Who="there", Times="3", Loud="Y", source="Hello")`);
    expect(rows).toEqual([{ Greeting: "hello THERE", Times: 3, TimesType: "int64", Year: 2024, ExtraRows: 2 }]);
    const typed = await run(`SELECT N FROM Artifact.Test.Greet(Times=1, source="Count")`);
    expect(typed.rows).toEqual([{ N: 0 }]);
  });

  it("select one source by a dotted name: Artifact.Name.Source()", async () => {
    const { rows } = await run(`SELECT * FROM Artifact.Test.Greet.Count(Times=2)`);
    expect(rows).toEqual([{ N: 0 }, { N: 1 }]);
  });

  it("refuse undeclared parameters and values that do not convert", async () => {
    const unknown = await run(`SELECT * FROM Artifact.Test.Greet(Whom="x")`);
    expect(unknown.rows).toEqual([]);
    expect(unknown.logs.join("\n")).toMatch(/Whom/);
    const bad = await run(`SELECT * FROM Artifact.Test.Greet(Times="lots")`);
    expect(bad.rows).toEqual([]);
    expect(bad.logs).toEqual(["parameter `Times` of `Test.Greet` expects an integer: `lots` is not a number"]);
    const noSource = await run(`SELECT * FROM Artifact.Test.Greet(source="Nope")`);
    expect(noSource.logs[0]).toMatch(/no source named `Nope`/);
  });

  it("evaluate preconditions only when asked", async () => {
    const skipped = await run(`SELECT * FROM Artifact.Test.Greet(preconditions=TRUE)`);
    expect(skipped.rows).toEqual([{ Greeting: "hello world", Times: 2, TimesType: "int64", Year: 2024, ExtraRows: 2, _Source: "Test.Greet/Hello" }]);
    const none = await run(`SELECT * FROM Artifact.Test.Greet(Who="nobody", preconditions=TRUE)`);
    expect(none.rows).toEqual([]);
    const ignored = await run(`SELECT Greeting FROM Artifact.Test.Greet(Who="nobody", source="Hello")`);
    expect(ignored.rows).toEqual([{ Greeting: "hello nobody" }]);
  });

  it("check the artifact's required permissions and the caller's permissions inside it", async () => {
    const reader = permissionsOf("reader");
    const denied = await run("SELECT * FROM Artifact.Test.Secret()", reader);
    expect(denied.rows).toEqual([]);
    expect(denied.logs[0]).toMatch(/permission denied: `Artifact\.Test\.Secret\(\)` needs EXECVE/);
    expect((await run("SELECT * FROM Artifact.Test.Secret()", permissionsOf("administrator"))).rows).toEqual([{ One: 1 }]);
    const inner = await run("SELECT * FROM Artifact.Test.Reads()", reader);
    expect(inner.rows).toEqual([]);
    expect(inner.logs[0]).toMatch(/`guarded\(\)` needs FILESYSTEM_READ/);
    expect((await run("SELECT * FROM Artifact.Test.Reads()", permissionsOf("administrator"))).rows).toEqual([{ Read: true }]);
  });

  it("call each other, and stop a call loop instead of recursing forever", async () => {
    expect((await run("SELECT Greeting FROM Artifact.Test.Nested()")).rows).toEqual([{ Greeting: "hello nested" }]);
    const loop = await run("SELECT * FROM Artifact.Test.Loop()");
    expect(loop.rows).toEqual([]);
    expect(loop.logs.join("\n")).toMatch(/more than 8 deep/);
  });

  it("resolve only known names", () => {
    const r = repo();
    expect(pluginFor(r, "Artifact.Test.Greet")?.name).toBe("Artifact.Test.Greet");
    expect(pluginFor(r, "Artifact.Test.Greet.Hello")?.name).toBe("Artifact.Test.Greet.Hello");
    expect(pluginFor(r, "Artifact.Test.Greet.Nope")).toBeUndefined();
    expect(pluginFor(r, "Test.Greet")).toBeUndefined();
    expect(pluginFor(r, "Artifact.Test.Greet")).toBe(pluginFor(r, "Artifact.Test.Greet"));
  });

  it("describe parameters as documented arguments", () => {
    const p = pluginFor(repo(), "Artifact.Test.Greet")!;
    expect(Object.keys(p.args)).toEqual(["source", "preconditions", "Who", "Times", "Loud", "Since", "Extra"]);
  });
});
