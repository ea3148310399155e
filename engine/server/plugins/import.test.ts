// import(): an artifact's export LETs become visible to the rest of the query, as Velociraptor's
// import() appends them to the query's scope; its return value is the export text.
import { describe, expect, it } from "vitest";
import { loadArtifact, type Artifact } from "@/engine/artifacts";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "../../vql";
import type { VqlServices } from "@/engine/server/contracts";
import { admin } from "./testing";
import { importBuiltins } from "./import";

const LIB = [
  "name: Custom.Lib.Helpers",
  "export: |",
  "  LET Greeting = 'hello'",
  "  LET Shout(X) = upcase(string=X)",
  "  LET Numbers = SELECT _value AS N FROM range(end=3)",
  "sources:",
  "  - query: SELECT 1 FROM scope()",
  "",
].join("\n");
const NONE = "name: Custom.Lib.Nothing\nsources:\n  - query: SELECT 1 FROM scope()\n";

const byName = new Map<string, Artifact>();
for (const y of [LIB, NONE]) {
  const a = loadArtifact(y).artifact!;
  byName.set(a.name, a);
}
// A definition whose export does not parse (loadArtifact would refuse it; the repository never holds one, but a stale one could).
byName.set("Custom.Lib.Broken", { ...loadArtifact(NONE).artifact!, name: "Custom.Lib.Broken", export: { ...loadArtifact(LIB).artifact!.export!, text: "LET X = " } });

const registry = createRegistry([...portableBuiltins, ...importBuiltins]);
const services = { artifacts: { get: (n: string) => byName.get(n), all: () => [...byName.values()] } } as unknown as VqlServices;

async function run(vql: string) {
  const rows: unknown[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry, host: { principal: admin, services } })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row));
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

describe("import()", () => {
  it("later statements see the export's LETs (values, functions, stored queries)", async () => {
    const r = await run(`
      LET _ <= import(artifact='Custom.Lib.Helpers')
      SELECT Greeting, Shout(X=Greeting) AS Loud, Numbers.N AS Ns FROM scope()
      SELECT * FROM Numbers`);
    expect(r.logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    expect(r.rows).toEqual([{ Greeting: "hello", Loud: "HELLO", Ns: [0, 1, 2] }, { N: 0 }, { N: 1 }, { N: 2 }]);
  });

  it("returns the export text; \"\" when the artifact exports nothing", async () => {
    const r = await run(`SELECT import(artifact='Custom.Lib.Nothing') AS None FROM scope()`);
    expect(r.rows).toEqual([{ None: "" }]);
    const t = await run(`SELECT import(artifact='Custom.Lib.Helpers') AS Text FROM scope()`);
    expect(t.rows).toEqual([{ Text: byName.get("Custom.Lib.Helpers")!.export!.text }]);
  });

  it("a name the query defines itself wins over an imported one", async () => {
    const r = await run(`LET Greeting = 'mine' LET _ <= import(artifact='Custom.Lib.Helpers') SELECT Greeting FROM scope()`);
    expect(r.rows).toEqual([{ Greeting: "mine" }]);
  });

  it("an unknown artifact or an export that does not parse logs and gives NULL", async () => {
    const r = await run(`SELECT import(artifact='No.Such') AS A, import(artifact='Custom.Lib.Broken') AS B FROM scope()`);
    expect(r.rows).toEqual([{ A: null, B: null }]);
    expect(r.logs).toContain("ERROR import: Artifact 'No.Such' not found");
    expect(r.logs.some((l) => l.startsWith("ERROR import: Artifact 'Custom.Lib.Broken': "))).toBe(true);
  });
});
