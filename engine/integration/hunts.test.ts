// The hunts service on PGlite and PostgreSQL, with clients stored directly (no agents: their
// flows wait): who may create what, the OS and label filters, each (hunt, client) pair at most
// once under concurrent foreman triggers, client_limit and expiry stopping the hunt, the
// recruitment rate, hunt_add, and exact counts from stored rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queries, type Database } from "@/drizzle";
import { testDatabaseTargets } from "@/drizzle/testing";
import { HUNT_PARTICIPATION_QUEUE, type Principal } from "@/engine/server/contracts";
import { principal } from "../server/services/notebooks/testing";
import { createEngine, type StartedEngine } from "../server/wiring";
import { FIXTURE_ARTIFACTS, memoryLogger, testArtifacts, waitFor } from "./harness";

const admin = principal("admin", "administrator");
const ivy = principal("ivy", "investigator");
const reader = principal("rita", "reader");
const analystWithCollect: Principal = { ...principal("carl", "analyst"), permissions: new Set(["READ_RESULTS", "COLLECT_CLIENT"] as const) };

const clientId = (i: number) => `C.${i.toString(16).padStart(16, "0")}`;

for (const target of testDatabaseTargets()) {
  describe(`hunts on ${target.name}`, () => {
    let database: Database;
    let engine: StartedEngine;
    let now = new Date("2026-06-01T00:00:00Z").getTime();
    const logs: string[] = [];

    beforeAll(async () => {
      database = await target.open();
      engine = await createEngine({ database, log: memoryLogger(logs), artifactSource: testArtifacts(FIXTURE_ARTIFACTS), interrogationsPerSecond: 0, huntTickMs: 40, clock: { now: () => new Date(now) } });
      const at = new Date(now);
      await queries.createClients(database.db, Array.from({ length: 30 }, (_, i) => ({ clientId: clientId(i + 1), publicKey: `k${i}`, agentName: "t", agentVersion: "t", ip: "127.0.0.1", at })));
      await queries.recordClientInterrogations(
        database.db,
        Array.from({ length: 30 }, (_, i) => ({
          clientId: clientId(i + 1),
          flowId: "F.X",
          hostname: `host-${i + 1}`,
          fqdn: `host-${i + 1}.example.com`,
          os: i % 3 === 0 ? "windows" : "linux",
          platform: "p",
          release: "1",
          architecture: "amd64",
          ipAddresses: [],
          macAddresses: [],
          info: {},
        })),
        at,
      );
      await engine.clients.label(admin, [clientId(1), clientId(2), clientId(3), clientId(4)], ["Web"], "set");
      await engine.clients.label(admin, [clientId(4)], ["Excluded"], "set");
    }, 60_000);
    afterAll(async () => {
      await engine?.close();
      await database?.close();
    });

    it("creating a running hunt needs START_HUNT, a paused one COLLECT_CLIENT; a reader creates neither", async () => {
      await expect(engine.hunts.create(analystWithCollect, { artifacts: ["Test.Rows"] })).rejects.toThrow("START_HUNT");
      const paused = await engine.hunts.create(analystWithCollect, { artifacts: ["Test.Rows"], pause: true, description: "proposed" });
      expect(paused).toMatchObject({ state: "PAUSED", creator: "carl", description: "proposed", artifacts: ["Test.Rows"], os: "ALL" });
      expect(paused.huntId).toMatch(/^H\.[0-9A-V]{13}$/);
      expect(paused.expiresAt.getTime() - paused.createdAt.getTime()).toBe(7 * 24 * 3600_000);
      await expect(engine.hunts.create(reader, { artifacts: ["Test.Rows"], pause: true })).rejects.toThrow("COLLECT_CLIENT");
      // A client condition is ad-hoc VQL for the endpoints.
      await expect(engine.hunts.create(analystWithCollect, { artifacts: ["Test.Rows"], pause: true, clientCondition: "SELECT * FROM info()" })).rejects.toThrow("ANY_QUERY");
      await expect(engine.hunts.create(ivy, { artifacts: ["Test.Rows"], expires: new Date(now - 1000) })).rejects.toThrow("future");
      await expect(engine.hunts.update(analystWithCollect, paused.huntId, { state: "RUNNING" })).rejects.toThrow("START_HUNT");
      // A paused hunt schedules nobody.
      await engine.hunts.tick();
      expect((await engine.hunts.get(reader, paused.huntId)).stats.totalClientsScheduled).toBe(0);
    });

    it("include and exclude labels and the OS select exactly the matching clients, each with a .H flow", async () => {
      const h = await engine.hunts.create(ivy, { artifacts: ["Test.Rows"], includeLabels: ["web"], excludeLabels: ["EXCLUDED"] });
      const s = await waitFor(async () => {
        const x = await engine.hunts.get(ivy, h.huntId);
        return x.stats.running === 3 ? x : undefined;
      }, "three clients running");
      expect(s.stats).toMatchObject({ totalClientsScheduled: 3, pending: 0, running: 3 });
      const clients = await engine.hunts.clients(ivy, h.huntId);
      expect(clients.map((c) => c.clientId).sort()).toEqual([clientId(1), clientId(2), clientId(3)]);
      for (const c of clients) expect(c.flowId).toMatch(/^F\.[0-9A-V]{13}\.H$/);
      const flow = await engine.flows.get(ivy, clients[0]!.clientId, clients[0]!.flowId!);
      expect(flow).toMatchObject({ artifacts: ["Test.Rows"], state: "WAITING", creator: "ivy" });

      const win = await engine.hunts.create(ivy, { artifacts: ["Test.Rows"], os: "WINDOWS" });
      await waitFor(async () => (await engine.hunts.get(ivy, win.huntId)).stats.running === 10, "ten Windows clients");
      const ids = (await engine.hunts.clients(ivy, win.huntId, { limit: 100 })).map((c) => Number.parseInt(c.clientId.slice(2), 16));
      expect(ids.every((i) => (i - 1) % 3 === 0)).toBe(true);
    });

    it("a client labelled after the start joins; each client at most once under concurrent triggers", async () => {
      const h = await engine.hunts.create(ivy, { artifacts: ["Test.Rows"], includeLabels: ["Late"] });
      await engine.hunts.tick();
      expect((await engine.hunts.get(ivy, h.huntId)).stats.totalClientsScheduled).toBe(0);
      // Ten label events for the same clients at once, plus restarts of the hunt.
      await Promise.all([
        ...Array.from({ length: 5 }, () => engine.clients.label(admin, [clientId(10), clientId(11)], ["Late"], "set")),
        engine.clients.label(admin, [clientId(10), clientId(11)], ["Late"], "remove").then(() => engine.clients.label(admin, [clientId(10), clientId(11)], ["late"], "set")),
        engine.hunts.update(ivy, h.huntId, { state: "STOPPED" }).then(() => engine.hunts.update(ivy, h.huntId, { state: "RUNNING" })),
        engine.hunts.tick(),
        engine.hunts.tick(),
      ]);
      await waitFor(async () => (await engine.hunts.get(ivy, h.huntId)).stats.running === 2, "both labelled clients running");
      await new Promise((r) => setTimeout(r, 300));
      expect((await engine.hunts.clients(ivy, h.huntId)).map((c) => c.clientId).sort()).toEqual([clientId(10), clientId(11)]);
      const participation = (await engine.journal.history(HUNT_PARTICIPATION_QUEUE, { limit: 10_000 })).filter((e) => e.payload.HuntId === h.huntId);
      expect(participation.map((e) => e.clientId).sort()).toEqual([clientId(10), clientId(11)]);
    });

    it("client_limit stops the hunt after that many clients; expiry stops a running hunt", async () => {
      const h = await engine.hunts.create(ivy, { artifacts: ["Test.Rows"], clientLimit: 5 });
      const s = await waitFor(async () => {
        const x = await engine.hunts.get(ivy, h.huntId);
        return x.state === "STOPPED" ? x : undefined;
      }, "the hunt stopped at its limit");
      expect(s.stats.totalClientsScheduled).toBe(5);
      expect(s.stats.running).toBe(5);
      // Stopped at its limit, it keeps those five clients' flows (they run when the clients connect).
      await new Promise((r) => setTimeout(r, 400));
      expect((await engine.hunts.get(ivy, h.huntId)).stats).toMatchObject({ totalClientsScheduled: 5, running: 5, excluded: 0 });

      const e = await engine.hunts.create(ivy, { artifacts: ["Test.Rows"], includeLabels: ["Nobody"], expires: new Date(now + 60_000) });
      now += 61_000;
      const stopped = await waitFor(async () => {
        const x = await engine.hunts.get(ivy, e.huntId);
        return x.state === "STOPPED" ? x : undefined;
      }, "the expired hunt stopped");
      expect(stopped.expired).toBe(true);
      await expect(engine.hunts.update(ivy, e.huntId, { state: "RUNNING" })).rejects.toThrow("expired");
    });

    it("client_rate starts clients at about that many per minute", async () => {
      const h = await engine.hunts.create(ivy, { artifacts: ["Test.Rows"], clientRate: 600 });
      const t0 = Date.now();
      await waitFor(async () => (await engine.hunts.get(ivy, h.huntId)).stats.totalClientsScheduled === 30, "all scheduled");
      await waitFor(async () => (await engine.hunts.get(ivy, h.huntId)).stats.running >= 10, "ten running", 10_000);
      const elapsed = Date.now() - t0;
      // 600 per minute is 10 per second: ten clients take about a second (one token up front).
      expect(elapsed).toBeGreaterThan(700);
      const s = await engine.hunts.get(ivy, h.huntId);
      expect(s.stats.running).toBeLessThan(20);
      await engine.hunts.update(ivy, h.huntId, { state: "STOPPED" });
    });

    it("completions move clients to with_results, completed or error, once; counts come from the rows", async () => {
      const h = await engine.hunts.create(ivy, { artifacts: ["Test.Rows"], includeLabels: ["web"], excludeLabels: ["excluded"] });
      const running = await waitFor(async () => {
        const c = await engine.hunts.clients(ivy, h.huntId);
        return c.length === 3 && c.every((x) => x.state === "running") ? c : undefined;
      }, "three running");
      const flow = (i: number, state: string, rows: number) => ({ clientId: running[i]!.clientId, row: { ClientId: running[i]!.clientId, FlowId: running[i]!.flowId, Flow: { state, status: state === "ERROR" ? "something broke" : "", total_collected_rows: rows, total_uploaded_bytes: 7 } } });
      await engine.journal.appendFor("System.Flow.Completion", [flow(0, "FINISHED", 5), flow(1, "FINISHED", 0), flow(2, "ERROR", 0)]);
      // A second completion of the same flow changes nothing (the client is no longer running).
      await engine.journal.appendFor("System.Flow.Completion", [flow(0, "ERROR", 0)]);
      const s = await waitFor(async () => {
        const x = await engine.hunts.get(ivy, h.huntId);
        return x.stats.totalFinishedClients === 3 ? x : undefined;
      }, "three finished");
      await new Promise((r) => setTimeout(r, 300));
      expect((await engine.hunts.get(ivy, h.huntId)).stats).toEqual({ ...s.stats, totalClientsScheduled: 3, pending: 0, running: 0, totalFinishedClients: 3, totalClientsWithResults: 1, totalClientsWithoutResults: 1, totalClientsWithErrors: 1, totalCollectedRows: 5, totalUploadedBytes: 21 });
      const byClient = new Map((await engine.hunts.clients(ivy, h.huntId)).map((c) => [c.clientId, c]));
      expect(byClient.get(running[0]!.clientId)).toMatchObject({ state: "with_results", totalRows: 5 });
      expect(byClient.get(running[2]!.clientId)).toMatchObject({ state: "error", error: "something broke" });
      await engine.hunts.update(ivy, h.huntId, { state: "STOPPED" });
    });

    it("stopping a hunt withdraws its flows still waiting for offline clients: CANCELLED, the clients excluded, never run later", async () => {
      const h = await engine.hunts.create(ivy, { artifacts: ["Test.Rows"], includeLabels: ["web"], excludeLabels: ["excluded"] });
      const running = await waitFor(async () => {
        const c = await engine.hunts.clients(ivy, h.huntId);
        return c.length === 3 && c.every((x) => x.state === "running" && x.flowId) ? c : undefined;
      }, "three running");
      // None of these clients is connected: their flows wait.
      for (const c of running) expect((await engine.flows.get(admin, c.clientId, c.flowId!)).state).toBe("WAITING");
      await engine.hunts.update(ivy, h.huntId, { state: "STOPPED" });
      const after = await waitFor(async () => {
        const c = await engine.hunts.clients(ivy, h.huntId);
        return c.every((x) => x.state === "excluded") ? c : undefined;
      }, "the stopped hunt's clients withdrawn");
      expect(after.map((c) => c.error)).toEqual(running.map(() => "withdrawn: the hunt stopped before the client connected"));
      for (const c of running) expect((await engine.flows.get(admin, c.clientId, c.flowId!)).state).toBe("CANCELLED");
      const stats = (await engine.hunts.get(ivy, h.huntId)).stats;
      expect(stats).toMatchObject({ totalClientsScheduled: 0, excluded: 3, running: 0, totalClientsWithErrors: 0 });
    });

    it("hunt_update(add_labels, del_labels) changes the hunt's own labels (its tags), case-insensitively", async () => {
      const h = await engine.hunts.create(ivy, { artifacts: ["Test.Rows"], tags: ["triage", "Old"], includeLabels: ["Nobody"] });
      for await (const _ of engine.queries.run(`SELECT hunt_update(hunt_id='${h.huntId}', add_labels=['IOC-42', 'triage'], del_labels=['old']) FROM scope()`, { principal: ivy }));
      expect((await engine.hunts.get(ivy, h.huntId)).tags).toEqual(["triage", "IOC-42"]);
      await engine.hunts.update(ivy, h.huntId, { state: "STOPPED" });
    });

    it("a client moved to running whose flow was never stored (a crash in between) gets that flow once", async () => {
      const h = await engine.hunts.create(ivy, { artifacts: ["Test.Rows"], includeLabels: ["Nobody"] });
      const flowId = "F.CRASHCRASH000.H";
      await queries.addHuntClients(database.db, { huntId: h.huntId, clientIds: [clientId(25)], at: new Date(now) });
      await queries.startHuntClient(database.db, { huntId: h.huntId, clientId: clientId(25), flowId, at: new Date(now) });
      await engine.hunts.tick();
      await engine.hunts.tick();
      const flows = await engine.flows.list(ivy, clientId(25), { limit: 100 });
      expect(flows.items.filter((f) => f.flowId === flowId)).toHaveLength(1);
      expect(flows.items.find((f) => f.flowId === flowId)).toMatchObject({ state: "WAITING", artifacts: ["Test.Rows"] });
      await engine.hunts.update(ivy, h.huntId, { state: "STOPPED" });
    });

    it("hunt_add schedules a client at once whatever the conditions; relaunch re-queues it; delete needs DELETE_RESULTS", async () => {
      const h = await engine.hunts.create(analystWithCollect, { artifacts: ["Test.Rows"], pause: true, includeLabels: ["Nobody"] });
      await expect(engine.hunts.addClient(analystWithCollect, h.huntId, clientId(20))).rejects.toThrow("START_HUNT");
      expect(await engine.hunts.addClient(ivy, h.huntId, clientId(20))).toBe(true);
      expect(await engine.hunts.addClient(ivy, h.huntId, clientId(20))).toBe(false);
      const [c] = await engine.hunts.clients(ivy, h.huntId);
      expect(c).toMatchObject({ clientId: clientId(20), state: "running" });
      expect(await engine.hunts.addClient(ivy, h.huntId, clientId(20), { relaunch: true })).toBe(true);
      const [again] = await engine.hunts.clients(ivy, h.huntId);
      expect(again!.flowId).not.toBe(c!.flowId);
      await expect(engine.hunts.delete(ivy, h.huntId)).rejects.toThrow("DELETE_RESULTS");
      await engine.hunts.delete(admin, h.huntId);
      await expect(engine.hunts.get(admin, h.huntId)).rejects.toThrow("no hunt");
    });
  });
}
