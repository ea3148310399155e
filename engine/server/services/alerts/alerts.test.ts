// alert() on the server end to end: raised from a query, appended to Server.Internal.Alerts with
// where it came from, grouped in the inbox (count, first/last seen, severity), deduplicated
// within a query, triaged with activity and audit, and read back with alerts()/alert_update().
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import { ALERTS_QUEUE, type AlertId, type Engine, type Principal, type ServerVqlEvent } from "@/engine/server/contracts";
import { permissionsOf } from "../../auth/roles";
import { createLogger } from "../../log";
import { SYSTEM_PRINCIPAL } from "../accounts";
import { createEngine } from "../../wiring";

const as = (username: string, role: string): Principal => ({ userId: username, username, role, permissions: permissionsOf(role), via: "session" });
const ivan = as("ivan", "investigator");
const rita = as("rita", "reader");

async function run(engine: Engine, vql: string, principal: Principal = SYSTEM_PRINCIPAL, origin?: Parameters<Engine["queries"]["run"]>[1]["origin"]) {
  const rows: Array<Record<string, unknown>> = [];
  const logs: string[] = [];
  for await (const e of engine.queries.run(vql, { principal, origin }) as AsyncIterable<ServerVqlEvent>) {
    if (e.kind === "row") rows.push(Object.fromEntries(e.row.keys().map((k: string) => [k, e.row.get(k)])));
    if (e.kind === "log") logs.push(`${e.level}:${e.message}`);
  }
  return { rows, logs };
}

async function until<T>(fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const target of testDatabaseTargets()) {
  describe(`alerts on ${target.name}`, () => {
    let engine: Engine;
    beforeAll(async () => {
      const database = await target.open();
      engine = await createEngine({ database, log: createLogger({ quiet: true }), interrogationsPerSecond: 0 });
      await engine.accounts.createUser(SYSTEM_PRINCIPAL, { username: "ivan", password: "a-long-password-1", role: "investigator" });
    });
    afterAll(() => engine.close());

    it("five raises of one name in one query give one alert and an INFO line for each of the four suppressed", async () => {
      const { rows, logs } = await run(engine, "SELECT alert(name='Dedup.Test', Value=_value) AS A FROM range(end=5)");
      expect(rows.map((r) => r.A)).toEqual([true, false, false, false, false]);
      expect(logs.filter((l) => l.startsWith("INFO:Alert Dedup.Test (Sup): "))).toHaveLength(4);
      expect(logs.filter((l) => l === 'INFO:Alert Dedup.Test: {"Value":0}')).toHaveLength(1);
      const events = await engine.journal.history(ALERTS_QUEUE, { limit: 100 });
      const mine = events.filter((e) => e.payload.name === "Dedup.Test");
      expect(mine).toHaveLength(1);
      expect(mine[0]!.payload).toMatchObject({ client_id: "server", name: "Dedup.Test", event_data: { Value: 0 }, artifact_type: "QUERY", severity: "medium", raised_by: SYSTEM_PRINCIPAL.username });
    });

    it("dedup=-1 raises every time; a condition that is false raises nothing", async () => {
      const { rows } = await run(engine, "SELECT alert(name='NoDedup', dedup=-1, N=_value) AS A, alert(name='Never', condition=_value > 10) AS B FROM range(end=3)");
      expect(rows).toEqual([
        { A: true, B: false },
        { A: true, B: false },
        { A: true, B: false },
      ]);
      const events = await engine.journal.history(ALERTS_QUEUE, { limit: 100 });
      expect(events.filter((e) => e.payload.name === "NoDedup")).toHaveLength(3);
      expect(events.filter((e) => e.payload.name === "Never")).toHaveLength(0);
    });

    it("the inbox groups raises by name, client and artifact, counting each once, with the highest severity", async () => {
      await run(engine, "SELECT alert(name='Grouped', dedup=-1, severity=if(condition=_value=1, then='high', else='low'), N=_value) FROM range(end=3)", SYSTEM_PRINCIPAL, {
        artifact: "Custom.Server.Detect",
        artifactType: "SERVER_EVENT",
      });
      const entry = await until(async () => {
        const { alerts } = await engine.alerts.list(rita, { search: "Grouped", limit: 10 });
        return alerts[0]?.count === 3 ? alerts[0] : undefined;
      });
      expect(entry).toMatchObject({ name: "Grouped", clientId: "server", artifact: "Custom.Server.Detect", artifactType: "SERVER_EVENT", severity: "high", status: "new", count: 3, lastEventData: { N: 2 } });
      expect(entry.firstSeen.getTime()).toBeLessThanOrEqual(entry.lastSeen.getTime());
      const detail = await engine.alerts.get(rita, entry.id);
      expect(detail.occurrences.map((o) => o.eventData.N).sort()).toEqual([0, 1, 2]);
    });

    it("triage: acknowledge, assign, comment and resolve are recorded in order and audited; a reader is refused", async () => {
      await run(engine, "SELECT alert(name='Triage.Me', Detail='x') FROM scope()");
      const entry = await until(async () => (await engine.alerts.list(rita, { search: "Triage.Me", limit: 1 })).alerts[0]);
      await expect(engine.alerts.update(rita, entry.id, { status: "acknowledged" })).rejects.toThrow(/ALERT_TRIAGE/);
      await engine.alerts.update(ivan, entry.id, { status: "acknowledged", assignee: "ivan" });
      await engine.alerts.update(ivan, entry.id, { comment: "looked at it: the admin's own test" });
      const done = await engine.alerts.update(ivan, entry.id, { status: "resolved" });
      expect(done).toMatchObject({ status: "resolved", assignee: "ivan" });
      const d = await engine.alerts.get(rita, entry.id);
      expect(d.activity.map((a) => [a.kind, a.actor, a.from, a.to, a.text])).toEqual([
        ["status", "ivan", "new", "acknowledged", ""],
        ["assignee", "ivan", null, "ivan", ""],
        ["comment", "ivan", null, null, "looked at it: the admin's own test"],
        ["status", "ivan", "acknowledged", "resolved", ""],
      ]);
      const audit = await engine.audit.list({ limit: 50, operation: "alert_update" });
      expect(audit.filter((a) => a.details.alert === entry.id)).toHaveLength(4);
      await expect(engine.alerts.update(ivan, entry.id, { assignee: "nobody-by-that-name" })).rejects.toThrow(/no active user/);
      await expect(engine.alerts.update(ivan, "A.NOSUCHALERT000" as AlertId, { status: "resolved" })).rejects.toThrow(/no alert/);
    });

    it("a resolved alert raised again is reopened as new and counted; a false positive stays one", async () => {
      await run(engine, "SELECT alert(name='Comes.Back') FROM scope()");
      const entry = await until(async () => (await engine.alerts.list(rita, { search: "Comes.Back", limit: 1 })).alerts[0]);
      await engine.alerts.update(ivan, entry.id, { status: "resolved" });
      await run(engine, "SELECT alert(name='Comes.Back') FROM scope()");
      const again = await until(async () => {
        const a = (await engine.alerts.list(rita, { search: "Comes.Back", limit: 1 })).alerts[0];
        return a && a.count === 2 ? a : undefined;
      });
      expect(again.status).toBe("new");
      expect((await engine.alerts.get(rita, entry.id)).activity.at(-1)).toMatchObject({ kind: "reopened", from: "resolved", to: "new" });
      await engine.alerts.update(ivan, entry.id, { status: "false_positive" });
      await run(engine, "SELECT alert(name='Comes.Back') FROM scope()");
      const fp = await until(async () => {
        const a = (await engine.alerts.list(rita, { search: "Comes.Back", limit: 1 })).alerts[0];
        return a && a.count === 3 ? a : undefined;
      });
      expect(fp.status).toBe("false_positive");
    });

    it("filters by status and severity, and counts new alerts", async () => {
      const before = await engine.alerts.counts(rita);
      await run(engine, "SELECT alert(name='Counted.One', severity='critical') FROM scope()");
      await until(async () => ((await engine.alerts.counts(rita)).new === before.new + 1 ? true : undefined));
      const critical = await engine.alerts.list(rita, { severity: ["critical"], status: ["new"], limit: 100 });
      expect(critical.alerts.map((a) => a.name)).toContain("Counted.One");
      expect(critical.alerts.every((a) => a.severity === "critical" && a.status === "new")).toBe(true);
    });

    it("alerts() lists the inbox in VQL and alert_update() triages; the reader's alert_update is refused", async () => {
      await run(engine, "SELECT alert(name='From.Vql') FROM scope()");
      await until(async () => (await engine.alerts.list(rita, { search: "From.Vql", limit: 1 })).alerts[0]);
      const { rows } = await run(engine, "SELECT AlertId, Name, Status, Count FROM alerts(search='From.Vql')");
      expect(rows).toEqual([{ AlertId: expect.stringMatching(/^A\./), Name: "From.Vql", Status: "new", Count: 1 }]);
      const id = rows[0]!.AlertId as string;
      const upd = await run(engine, `SELECT alert_update(id='${id}', status='acknowledged', comment='seen').Status AS S FROM scope()`, ivan);
      expect(upd.rows).toEqual([{ S: "acknowledged" }]);
      const refused = await run(engine, `SELECT alert_update(id='${id}', status='resolved') AS S FROM scope()`, { ...rita, permissions: new Set([...rita.permissions, "ANY_QUERY" as const]) });
      expect(refused.rows).toEqual([{ S: null }]);
      expect(refused.logs.join("\n")).toMatch(/ALERT_TRIAGE/);
    });

    it("the context of a server event alert is its artifact's rows around it, and the notebook cells read the same window", async () => {
      await engine.journal.append("Custom.Server.Watch", [{ Seen: "before" }], { clientId: "server" });
      await run(engine, "SELECT alert(name='With.Context', Thing='y') FROM scope()", SYSTEM_PRINCIPAL, { artifact: "Custom.Server.Watch", artifactType: "SERVER_EVENT" });
      const entry = await until(async () => (await engine.alerts.list(rita, { search: "With.Context", limit: 1 })).alerts[0]);
      const ctx = await engine.alerts.context(rita, entry.id, { windowSeconds: 60 });
      expect(ctx.rows.map((r) => r.Seen)).toContain("before");
      expect(ctx.query).toMatch(/^SELECT \* FROM source\(artifact='Custom\.Server\.Watch', start_time='[^']+', end_time='[^']+'\)$/);
      const nb = await engine.alerts.notebookCells(rita, entry.id);
      expect(nb.cells.filter((c) => c.type === "vql").map((c) => c.text).join("\n")).toContain("name = 'With.Context'");
    });
  });
}
