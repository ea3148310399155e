// The corpus's Server.Utils.AddTimeline and Server.Utils.RemoveTimeline (read from the corpus,
// not copied) against a real engine on PGlite and PostgreSQL: AddTimeline builds a component
// from a query string (its LIMIT removed with RemoveLimit), timeline() reads it back in time
// order, RemoveTimeline deletes it; a user the notebook is not shared with is refused.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import { toJsonValue } from "@/engine/vql";
import type { Engine, Principal } from "@/engine/server/contracts";
import { corpusDir } from "@/engine/vql/testdata/load-corpus";
import { principal } from "../server/services/notebooks/testing";
import { startTestServer, type TestServer } from "./harness";

const CORPUS = join(corpusDir, "Server", "Utils");
const corpus = (name: string) => readFileSync(join(CORPUS, name), "utf8");

for (const target of testDatabaseTargets()) {
  describe(`corpus timeline artifacts (${target.name})`, () => {
    let s: TestServer;
    let engine: Engine;
    let notebookId = "";
    const admin = principal("alice", "administrator");
    const other = principal("olga", "administrator");

    beforeAll(async () => {
      s = await startTestServer({ database: await target.open() });
      engine = s.engine;
      await engine.artifacts.set(admin, corpus("AddTimeline.yaml"));
      await engine.artifacts.set(admin, corpus("RemoveTimeline.yaml"));
      notebookId = (await engine.notebooks.create(admin, { name: "case" })).id;
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });

    async function vql(text: string, p: Principal = admin) {
      const rows: Record<string, unknown>[] = [];
      const logs: string[] = [];
      for await (const e of engine.queries.run(text, { principal: p, adhoc: false, env: { NB: notebookId } })) {
        if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
        if (e.kind === "log" && e.level === "ERROR") logs.push(e.message);
      }
      return { rows, logs };
    }

    const QUERY = "SELECT 1724123887 + _value * 10 AS Time, format(format='event %v', args=_value) AS Msg FROM range(end=5) ORDER BY Time DESC LIMIT 2";

    it("Server.Utils.AddTimeline adds a component from a query's text (RemoveLimit drops its LIMIT); timeline() reads it in time order", async () => {
      const add = await vql(`SELECT * FROM Artifact.Server.Utils.AddTimeline(NotebookId=NB, Timeline='super', ChildName='events', Query="${QUERY}", Key='Time', MessageColumn='Msg', RemoveLimit=TRUE)`);
      expect(add.logs).toEqual([]);
      expect(add.rows).toHaveLength(1);
      const made = Object.values(add.rows[0]!).find((v) => v && typeof v === "object") as { name: string; timelines: Array<{ id: string; start_time: number; end_time: number }> };
      expect(made.name).toBe("super");
      expect(made.timelines.map((t) => [t.id, t.start_time, t.end_time])).toEqual([["events", 1724123887e9, 1724123927e9]]);
      const read = await vql("SELECT Timestamp, Message, _Source FROM timeline(notebook_id=NB, timeline='super')");
      expect(read.rows).toEqual([0, 1, 2, 3, 4].map((i) => ({ Timestamp: new Date((1724123887 + i * 10) * 1000).toISOString().replace(".000", ""), Message: `event ${i}`, _Source: "events" })));
    });

    it("a user the notebook is not shared with gets nothing", async () => {
      const read = await vql("SELECT * FROM timeline(notebook_id=NB, timeline='super')", other);
      expect(read.rows).toEqual([]);
      expect(read.logs).toEqual(["timeline: no access: this notebook is not shared with you"]);
    });

    it("Server.Utils.RemoveTimeline deletes the component", async () => {
      const rm = await vql("SELECT * FROM Artifact.Server.Utils.RemoveTimeline(NotebookId=NB, Timeline='super', ChildName='events')");
      expect(rm.logs).toEqual([]);
      expect(rm.rows).toEqual([{ Removed: true }]);
      expect((await vql("SELECT * FROM timeline(notebook_id=NB, timeline='super')")).rows).toEqual([]);
      expect((await vql("SELECT name, timelines FROM timelines(notebook_id=NB)")).rows).toEqual([{ name: "super", timelines: [] }]);
    });
  });
}
