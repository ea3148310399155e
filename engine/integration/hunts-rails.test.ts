// Hunts beyond Velociraptor, on PGlite and PostgreSQL with clients stored directly (no agents:
// their flows wait, completions are appended by the test): each safety rail stops the hunt at
// its limit and records why (also in hunt_info()); re-running errored clients in place gives
// them new flows with exact counts; the live estimate counts what the foreman would schedule;
// a participation change reaches the hunt's live topics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queries, type Database } from "@/drizzle";
import { testDatabaseTargets } from "@/drizzle/testing";
import { FLOW_COMPLETION_QUEUE, type HuntClient, type Principal } from "@/engine/server/contracts";
import type { HuntsDeps } from "../server/services/hunts/start";
import { toJsonText } from "../vql";
import { principal } from "../server/services/notebooks/testing";
import { estimateHunt } from "../server/services/hunts/estimate";
import { createEngine, type StartedEngine } from "../server/wiring";
import { FIXTURE_ARTIFACTS, memoryLogger, testArtifacts, waitFor } from "./harness";

const admin = principal("admin", "administrator");
const ivy = principal("ivy", "investigator");
const reader = principal("rita", "reader");
const analystWithCollect: Principal = { ...principal("carl", "analyst"), permissions: new Set(["READ_RESULTS", "COLLECT_CLIENT"] as const) };

const clientId = (i: number) => `C.${i.toString(16).padStart(16, "0")}`;
/** Clients 1..12 carry the label Rail. */
const RAIL = Array.from({ length: 12 }, (_, i) => clientId(i + 1));

for (const target of testDatabaseTargets()) {
  describe(`hunt rails, re-run, estimate and live topics on ${target.name}`, () => {
    let database: Database;
    let engine: StartedEngine;
    const now = new Date("2026-06-01T00:00:00Z").getTime();
    const logs: string[] = [];

    beforeAll(async () => {
      database = await target.open();
      engine = await createEngine({ database, log: memoryLogger(logs), artifactSource: testArtifacts(FIXTURE_ARTIFACTS), interrogationsPerSecond: 0, huntTickMs: 40, clock: { now: () => new Date(now) } });
      const at = new Date(now);
      await queries.createClients(database.db, Array.from({ length: 20 }, (_, i) => ({ clientId: clientId(i + 1), publicKey: `k${i}`, agentName: "t", agentVersion: "t", ip: "127.0.0.1", at })));
      await queries.recordClientInterrogations(
        database.db,
        Array.from({ length: 20 }, (_, i) => ({
          clientId: clientId(i + 1),
          flowId: "F.X",
          hostname: `host-${i + 1}`,
          fqdn: `host-${i + 1}.example.com`,
          os: i % 2 === 0 ? "windows" : "linux",
          platform: "p",
          release: "1",
          architecture: "amd64",
          ipAddresses: [],
          macAddresses: [],
          info: { Building: i < 5 ? "north" : "south" },
        })),
        at,
      );
      await engine.clients.label(admin, RAIL, ["Rail"], "set");
      await engine.clients.label(admin, [clientId(1)], ["Spare"], "set");
      // Server conditions run on the query workers: let them start before the estimate's deadline counts.
      await engine.queries.warmed();
    }, 60_000);
    afterAll(async () => {
      await engine?.close();
      await database?.close();
    });

    async function runningHunt(extra: Parameters<StartedEngine["hunts"]["create"]>[1] extends infer S ? Partial<S> : never) {
      const h = await engine.hunts.create(ivy, { artifacts: ["Test.Rows"], includeLabels: ["Rail"], ...extra });
      const clients = await waitFor(async () => {
        const c = await engine.hunts.clients(ivy, h.huntId, { limit: 100 });
        return c.length === RAIL.length && c.every((x) => x.state === "running") ? c : undefined;
      }, "every Rail client running");
      return { h, clients };
    }

    const completion = (c: HuntClient, state: string, rows = 0, bytes = 0) => ({
      clientId: c.clientId,
      row: { ClientId: c.clientId, FlowId: c.flowId, Flow: { state, status: state === "FINISHED" ? "" : `${state.toLowerCase()} on purpose`, total_collected_rows: rows, total_uploaded_bytes: bytes } },
    });
    const finished = (huntId: string, n: number) =>
      waitFor(async () => {
        const x = await engine.hunts.get(ivy, huntId);
        return x.stats.totalFinishedClients >= n ? x : undefined;
      }, `${n} finished`);
    const stopped = (huntId: string) =>
      waitFor(async () => {
        const x = await engine.hunts.get(ivy, huntId);
        return x.state === "STOPPED" ? x : undefined;
      }, "the hunt stopped");

    it("max_error_percent waits for 10 finished clients, then stops the hunt once errors pass the percentage", async () => {
      const { h, clients } = await runningHunt({ maxErrorPercent: 50 });
      expect((await engine.hunts.get(ivy, h.huntId)).maxErrorPercent).toBe(50);
      // Nine errors of nine finished: 100%, but fewer than 10 finished.
      await engine.journal.appendFor(FLOW_COMPLETION_QUEUE, clients.slice(0, 9).map((c) => completion(c, "ERROR")));
      await finished(h.huntId, 9);
      await engine.hunts.tick();
      expect((await engine.hunts.get(ivy, h.huntId)).state).toBe("RUNNING");
      // A tenth that finished: 9 of 10 = 90% > 50%.
      await engine.journal.appendFor(FLOW_COMPLETION_QUEUE, [completion(clients[9]!, "FINISHED", 1)]);
      const s = await stopped(h.huntId);
      expect(s.stats).toMatchObject({ totalFinishedClients: 10, totalClientsWithErrors: 9 });
      // The two still waiting for their (offline) clients are withdrawn: the rail stops the hunt for them too.
      const w = await waitFor(async () => {
        const x = await engine.hunts.get(ivy, h.huntId);
        return x.stats.running === 0 ? x : undefined;
      }, "the waiting clients withdrawn");
      expect(w.stats).toMatchObject({ totalFinishedClients: 10, totalClientsWithErrors: 9, excluded: 2 });
      expect(s.stopReason).toBe("9 of 10 finished clients failed (90%), more than max_error_percent 50%");
      expect(logs.some((l) => l.startsWith("WARN hunt stopped by a safety rail") && l.includes(h.huntId))).toBe(true);
      // hunt_info() shows the reason.
      const rows: unknown[] = [];
      for await (const e of engine.queries.run(`SELECT hunt_info(hunt_id='${h.huntId}').stop_reason AS Why, hunt_info(hunt_id='${h.huntId}').max_error_percent AS Max FROM scope()`, { principal: admin }))
        if (e.kind === "row") rows.push(JSON.parse(toJsonText(e.row)));
      expect(rows).toEqual([{ Why: s.stopReason, Max: 50 }]);
    });

    it("at exactly the error percentage the hunt keeps running", async () => {
      const { h, clients } = await runningHunt({ maxErrorPercent: 50 });
      await engine.journal.appendFor(FLOW_COMPLETION_QUEUE, [...clients.slice(0, 5).map((c) => completion(c, "ERROR")), ...clients.slice(5, 10).map((c) => completion(c, "FINISHED", 0))]);
      await finished(h.huntId, 10);
      await engine.hunts.tick();
      expect((await engine.hunts.get(ivy, h.huntId)).state).toBe("RUNNING");
      await engine.journal.appendFor(FLOW_COMPLETION_QUEUE, [completion(clients[10]!, "ERROR")]);
      expect((await stopped(h.huntId)).stopReason).toMatch(/^6 of 11 finished clients failed \(54\.5%\)/);
    });

    it("max_total_rows stops the hunt when its rows pass the limit, not at it", async () => {
      const { h, clients } = await runningHunt({ maxTotalRows: 100 });
      await engine.journal.appendFor(FLOW_COMPLETION_QUEUE, [completion(clients[0]!, "FINISHED", 60), completion(clients[1]!, "FINISHED", 40)]);
      await finished(h.huntId, 2);
      await engine.hunts.tick();
      expect((await engine.hunts.get(ivy, h.huntId)).state).toBe("RUNNING");
      await engine.journal.appendFor(FLOW_COMPLETION_QUEUE, [completion(clients[2]!, "FINISHED", 1)]);
      const s = await stopped(h.huntId);
      expect(s.stopReason).toBe("the hunt collected 101 rows, more than max_total_rows 100");
      expect(s.stats.totalCollectedRows).toBe(101);
    });

    it("max_total_upload_bytes stops the hunt when its uploads pass the limit", async () => {
      const { h, clients } = await runningHunt({ maxTotalUploadBytes: 1000 });
      await engine.journal.appendFor(FLOW_COMPLETION_QUEUE, [completion(clients[0]!, "FINISHED", 1, 1000)]);
      await finished(h.huntId, 1);
      await engine.hunts.tick();
      expect((await engine.hunts.get(ivy, h.huntId)).state).toBe("RUNNING");
      await engine.journal.appendFor(FLOW_COMPLETION_QUEUE, [completion(clients[1]!, "FINISHED", 1, 1)]);
      const s = await stopped(h.huntId);
      expect(s.stopReason).toBe("the hunt uploaded 1001 bytes, more than max_total_upload_bytes 1000");
      // Started again while still past its rail, it is stopped again, for the same reason.
      const restarted = await engine.hunts.update(ivy, h.huntId, { state: "RUNNING" });
      expect(restarted.startedAt!.getTime()).toBeGreaterThan(s.startedAt!.getTime());
      const railStops = async () => (await engine.journal.history("Server.Internal.HuntModification", { limit: 1000 })).filter((e) => e.payload.HuntId === h.huntId && (e.payload.Mutation as { stop_reason?: string }).stop_reason === s.stopReason);
      await waitFor(async () => (await railStops()).length === 2, "stopped again by the rail");
      expect(await engine.hunts.get(ivy, h.huntId)).toMatchObject({ state: "STOPPED", stopReason: s.stopReason });
      // A stop by hand says who stopped it.
      const { h: other } = await runningHunt({});
      expect((await engine.hunts.update(ivy, other.huntId, { state: "STOPPED" })).stopReason).toBe("stopped by ivy");
    });

    it("re-run gives the clients in error new flows in the same hunt, back to running, with exact counts", async () => {
      const { h, clients } = await runningHunt({});
      await engine.journal.appendFor(FLOW_COMPLETION_QUEUE, [...clients.slice(0, 3).map((c) => completion(c, "ERROR", 2)), completion(clients[3]!, "TIMEOUT"), completion(clients[4]!, "FINISHED", 7)]);
      const before = await finished(h.huntId, 5);
      expect(before.stats).toMatchObject({ totalClientsWithErrors: 4, totalClientsWithResults: 1, totalCollectedRows: 13, running: 7 });

      await expect(engine.hunts.rerun(analystWithCollect, h.huntId)).rejects.toThrow("START_HUNT");
      expect(await engine.hunts.rerun(ivy, h.huntId)).toBe(4);
      const after = await engine.hunts.get(ivy, h.huntId);
      expect(after.stats).toMatchObject({ totalClientsScheduled: 12, totalClientsWithErrors: 0, totalClientsWithResults: 1, totalFinishedClients: 1, running: 11, totalCollectedRows: 7 });
      const byId = new Map((await engine.hunts.clients(ivy, h.huntId, { limit: 100 })).map((c) => [c.clientId, c]));
      for (const old of clients.slice(0, 4)) {
        const now = byId.get(old.clientId)!;
        expect(now).toMatchObject({ state: "running", error: "", totalRows: 0 });
        expect(now.flowId).toMatch(/^F\.[0-9A-V]{13}\.H$/);
        expect(now.flowId).not.toBe(old.flowId);
        expect(await engine.flows.get(ivy, old.clientId, now.flowId!)).toMatchObject({ state: "WAITING", artifacts: ["Test.Rows"] });
      }
      // Nothing else is in error: a second re-run relaunches none.
      expect(await engine.hunts.rerun(ivy, h.huntId, { states: ["error"] })).toBe(0);
      // The old flows' late completions change nothing; the new ones count once.
      await engine.journal.appendFor(FLOW_COMPLETION_QUEUE, clients.slice(0, 4).map((c) => completion(c, "FINISHED", 100)));
      await engine.journal.appendFor(FLOW_COMPLETION_QUEUE, clients.slice(0, 4).map((c) => completion(byId.get(c.clientId)!, "FINISHED", 3)));
      const done = await finished(h.huntId, 5);
      await new Promise((r) => setTimeout(r, 300));
      expect((await engine.hunts.get(ivy, h.huntId)).stats).toEqual({ ...done.stats, totalFinishedClients: 5, totalClientsWithResults: 5, totalClientsWithErrors: 0, running: 7, totalCollectedRows: 19 });
      const audit = await queries.listAudit(database.db, { operation: "HuntRerun", limit: 10 });
      expect(audit.map((a) => [a.principal, (a.details as { hunt_id?: string; relaunched?: number }).relaunched])).toEqual([
        ["ivy", 0],
        ["ivy", 4],
      ]);
      await engine.hunts.update(ivy, h.huntId, { state: "STOPPED" });
    });

    it("the live estimate counts what the foreman would schedule, with the server condition over stored facts", async () => {
      await expect(engine.hunts.estimate(reader, {})).rejects.toThrow("COLLECT_CLIENT");
      expect(await engine.hunts.estimate(analystWithCollect, {})).toEqual({ matching: 20, online: 0 });
      expect(await engine.hunts.estimate(analystWithCollect, { includeLabels: ["rail"], excludeLabels: ["SPARE"] })).toEqual({ matching: 11, online: 0 });
      expect(await engine.hunts.estimate(analystWithCollect, { os: "WINDOWS" })).toEqual({ matching: 10, online: 0 });
      expect(await engine.hunts.estimate(analystWithCollect, { os: "LINUX", includeLabels: ["Rail"] })).toEqual({ matching: 6, online: 0 });
      expect(await engine.hunts.estimate(analystWithCollect, { clientLimit: 4 })).toEqual({ matching: 4, online: 0 });
      // The server condition sees Info (the latest interrogation's row) and Labels. Called with a
      // long deadline here: on a loaded machine the query workers may be slow to answer, and the
      // default deadline would (correctly) answer partial.
      const deps = { database, clients: engine.clients, presence: engine.agents } as unknown as HuntsDeps;
      const run = (source: string, o: Parameters<StartedEngine["queries"]["run"]>[1]) => engine.queries.run(source, o);
      const estimate = (spec: Parameters<typeof estimateHunt>[3], cap?: number) => estimateHunt(deps, run, analystWithCollect, spec, { deadlineMs: 240_000, cap });
      // (Few candidates each: every evaluation is a query, slow on a loaded machine.)
      expect(await estimate({ includeLabels: ["Rail"], serverCondition: "SELECT * FROM rows WHERE Info.Building = 'north' AND OS = 'windows' AND 'Rail' IN Labels" })).toEqual({ matching: 3, online: 0 });
      // Linux clients are the even ones: host-10, 12, 14, 16 and 18 match; the limit takes 3.
      expect(await estimate({ os: "LINUX", serverCondition: "SELECT * FROM rows WHERE Fqdn =~ '^host-1[0-9]\\.'", clientLimit: 3 })).toEqual({ matching: 3, online: 0 });
      expect(await estimate({ includeLabels: ["spare"], serverCondition: "SELECT * FROM no_such_plugin_here()" })).toEqual({ matching: 0, online: 0, serverConditionErrors: 1 });
      // Bounded: past the cap the figures are a lower bound and say so.
      expect(await estimate({ includeLabels: ["Rail"], serverCondition: "SELECT * FROM rows" }, 5)).toEqual({ matching: 5, online: 0, partial: true });
      expect(await estimate({ os: "WINDOWS", includeLabels: ["Rail"], serverCondition: "SELECT * FROM rows" }, 6)).toEqual({ matching: 6, online: 0 });
      // And past the deadline.
      expect(await estimateHunt(deps, run, analystWithCollect, { serverCondition: "SELECT * FROM rows" }, { deadlineMs: 0 })).toEqual({ matching: 0, online: 0, partial: true });
    }, 300_000);

    it("a participation change publishes {type: changed} on hunts and hunt:<id>", async () => {
      const published: Array<[string, unknown]> = [];
      const ui = engine.ui as unknown as { publishLocal(topic: string, message: unknown): void };
      const original = ui.publishLocal.bind(ui);
      ui.publishLocal = (topic, message) => {
        published.push([topic, message]);
        original(topic, message);
      };
      try {
        const h = await engine.hunts.create(ivy, { artifacts: ["Test.Rows"], includeLabels: ["Spare"] });
        await waitFor(async () => (await engine.hunts.get(ivy, h.huntId)).stats.running === 1, "the Spare client running");
        await waitFor(() => published.some(([t]) => t === `hunt:${h.huntId}`), "a message on the hunt's topic");
        expect(published.find(([t]) => t === `hunt:${h.huntId}`)![1]).toEqual({ type: "changed", huntId: h.huntId });
        expect(published.some(([t, m]) => t === "hunts" && (m as { huntId: string }).huntId === h.huntId)).toBe(true);
        // A later participation (hunt_add) publishes again.
        published.length = 0;
        await engine.hunts.addClient(ivy, h.huntId, clientId(20));
        await waitFor(() => published.some(([t]) => t === `hunt:${h.huntId}`), "a message after hunt_add");
        await engine.hunts.update(ivy, h.huntId, { state: "STOPPED" });
      } finally {
        ui.publishLocal = original;
      }
    });
  });
}
