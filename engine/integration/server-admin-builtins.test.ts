// The users/orgs, flow/client/event deletion and help() server builtins through the query
// service of a real engine on PGlite (and PostgreSQL with TEST_DATABASE_URL): clients, flows and
// events stored directly. Expected values from Velociraptor's semantics: dry runs list and keep,
// really_do_it deletes what was listed and nothing else, permissions as Velociraptor checks them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queries, type Database } from "@/drizzle";
import { testDatabaseTargets } from "@/drizzle/testing";
import { toJsonValue } from "@/engine/vql";
import type { Principal } from "@/engine/server/contracts";
import { principal } from "../server/services/notebooks/testing";
import { createEngine, type StartedEngine } from "../server/wiring";
import { FIXTURE_ARTIFACTS, memoryLogger, testArtifacts } from "./harness";

const admin = principal("admin", "administrator");
const ivy = principal("ivy", "investigator");
const A = "C.00000000000000a1";
const B = "C.00000000000000b2";
const F1 = "F.0000000000001";
const F2 = "F.0000000000002";
const RUNNING = "F.0000000000003";
const DAY1 = new Date("2026-06-01T10:00:00Z");
const DAY2 = new Date("2026-06-02T10:00:00Z");

for (const target of testDatabaseTargets()) {
  describe(`server admin builtins on ${target.name}`, () => {
    let database: Database;
    let engine: StartedEngine;
    let now = DAY1.getTime();
    const logs: string[] = [];

    async function vql(text: string, p: Principal = admin) {
      const rows: Array<Record<string, unknown>> = [];
      const out: string[] = [];
      for await (const e of engine.queries.run(text, { principal: p })) {
        if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
        if (e.kind === "log" && e.level !== "DEBUG") out.push(`${e.level} ${e.message}`);
      }
      return { rows, logs: out };
    }

    /** A finished flow of `clientId` with 3 rows of Test.Rows, 2 log lines and one upload. */
    async function storeFlow(clientId: string, flowId: string, state: "FINISHED" | "RUNNING" = "FINISHED") {
      const at = new Date(now).toISOString();
      await queries.createFlow(database.db, { flowId, clientId, creator: "ivy", request: { artifacts: ["Test.Rows"], parameters: {} }, at: new Date(now) });
      await queries.writeIngestBatch(database.db, {
        rows: [0, 1, 2].map((i) => ({ flowId, artifact: "Test.Rows", ordinal: i, row: { N: i } })),
        logs: [0, 1].map((i) => ({ flowId, ordinal: i, at, level: "INFO", message: `line ${i}`, artifact: "Test.Rows" })),
        sources: [{ flowId, artifact: "Test.Rows", columns: ["N"], addRows: 3, state: state === "FINISHED" ? "finished" : "running" }],
        flows: [{ flowId, addRows: 3, addLogs: 2, addUploadFiles: 1, addUploadBytes: 4, withResults: ["Test.Rows"], activeAt: at, startedAt: at }],
        uploads: [{ flowId, uploadId: "u1", name: "etc/hosts", size: 4, sha256: "x", storedPath: "", artifact: "Test.Rows" }],
        finals: state === "FINISHED" ? [{ flowId, state: "FINISHED", status: "", at }] : [],
        acks: [],
        at,
      });
      await queries.insertUploadPart(database.db, { flowId, uploadId: "u1", offset: 0, data: new Uint8Array([1, 2, 3, 4]) });
    }

    /** Rows of a table that match (postgres.js answers with an array of rows, PGlite with {rows}). */
    async function count(table: string, where: string) {
      const r = (await database.db.execute(`select count(*)::int as n from ${table} where ${where}` as never)) as unknown;
      const rows = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ n: number }>;
      return Number(rows[0]?.n ?? NaN);
    }

    beforeAll(async () => {
      database = await target.open();
      engine = await createEngine({ database, log: memoryLogger(logs), artifactSource: testArtifacts(FIXTURE_ARTIFACTS), interrogationsPerSecond: 0, clock: { now: () => new Date(now) } });
      await queries.createClients(database.db, [A, B].map((clientId, i) => ({ clientId, publicKey: `k${i}`, agentName: "t", agentVersion: "t", ip: "127.0.0.1", at: new Date(now) })));
      await storeFlow(A, F1);
      await storeFlow(A, F2);
      await storeFlow(A, RUNNING, "RUNNING");
      await storeFlow(B, "F.00000000000B1");
      await engine.clients.label(admin, [A], ["Web"], "set");
      await engine.clients.setMetadata(admin, A, { Owner: "ir" }, []);
      await engine.journal.append("Custom.Events", [{ N: 1 }, { N: 2 }], { clientId: A });
      await engine.journal.append("Custom.Events", [{ N: 9 }], { clientId: B });
      now = DAY2.getTime();
      await engine.journal.append("Custom.Events", [{ N: 3 }], { clientId: A });
      await engine.journal.append("Custom.Events/Sub", [{ N: 4 }], { clientId: A });
      // delete_events() ends at "now" by default (exclusive): an hour later than the last event.
      now = DAY2.getTime() + 3600_000;
    }, 60_000);
    afterAll(async () => {
      await engine?.close();
      await database?.close();
    });

    it("whoami() is the caller, org() and orgs() Velociraptor's root org", async () => {
      expect(await vql("SELECT whoami() AS W, org() AS O FROM scope()", ivy)).toEqual({ rows: [{ W: "ivy", O: { name: "<root>", id: "root" } }], logs: [] });
      expect((await vql("SELECT * FROM orgs()", ivy)).rows).toEqual([{ Name: "<root>", OrgId: "root" }]);
    });

    it("user_create() creates a user with one Talon role, re-grants an existing one, and refuses unknown roles; gui_users() lists them", async () => {
      const made = await vql("SELECT user_create(user='Bob', roles='reader', password='correct horse battery staple 42') AS U FROM scope()");
      expect(made).toEqual({ rows: [{ U: "bob" }], logs: [] });
      const listed = (await vql("SELECT * FROM gui_users(all_orgs=TRUE) WHERE name = 'bob'")).rows;
      expect(listed).toEqual([{ name: "bob", org_id: "root", picture: "", email: "", roles: ["reader"], effective_policy: { read_results: true }, disabled: false }]);

      const regrant = await vql("SELECT user_create(user='bob', roles=['investigator']) AS U FROM scope()");
      expect(regrant.rows).toEqual([{ U: "bob" }]);
      expect((await vql("SELECT roles FROM gui_users() WHERE name = 'bob'")).rows).toEqual([{ roles: ["investigator"] }]);

      const unknown = await vql("SELECT user_create(user='carol', roles='org_admin', password='correct horse battery staple 42') AS U FROM scope()");
      expect(unknown.rows).toEqual([{ U: null }]);
      expect(unknown.logs).toEqual(["ERROR user_create: unknown role `org_admin`; Talon's roles are administrator, investigator, analyst, reader, api"]);
      expect((await vql("SELECT user_create(user='carol', roles=['reader', 'analyst'], password='correct horse battery staple 42') AS U FROM scope()")).rows).toEqual([{ U: null }]);
      expect((await vql("SELECT user_create(user='carol', roles='reader') AS U FROM scope()")).logs).toEqual(["ERROR user_create: a new user needs a password"]);
      expect((await vql("SELECT name FROM gui_users() WHERE name = 'carol'")).rows).toEqual([]);

      // SERVER_ADMIN, as in Velociraptor: an investigator gets no rows and no new user.
      const denied = await vql("SELECT * FROM gui_users()", ivy);
      expect(denied.rows).toEqual([]);
      expect(denied.logs.join("\n")).toContain("SERVER_ADMIN");
      expect((await vql("SELECT user_create(user='dave', roles='reader', password='correct horse battery staple 42') AS U FROM scope()", ivy)).rows).toEqual([{ U: null }]);
    });

    it("get_flow() is the flows() row of one flow; summary leaves out the request", async () => {
      const { rows } = await vql(`SELECT get_flow(client_id='${A}', flow_id='${F1}') AS F, get_flow(client_id='${A}', flow_id='${F1}', summary=TRUE) AS S FROM scope()`, ivy);
      const listed = (await vql(`SELECT * FROM flows(client_id='${A}', flow_id='${F1}')`, ivy)).rows[0]!;
      expect(rows[0]!.F).toEqual(listed);
      expect(rows[0]!.F).toMatchObject({ session_id: F1, client_id: A, state: "FINISHED", total_collected_rows: 3, request: { artifacts: ["Test.Rows"] } });
      expect(Object.keys(rows[0]!.S as object)).not.toContain("request");
      expect((rows[0]!.S as Record<string, unknown>).session_id).toBe(F1);
    });

    it("delete_flow() without really_do_it lists the flow's uploads, log, results and record, and deletes nothing", async () => {
      const dry = await vql(`SELECT Type, Data.VFSPath AS VFSPath, Data.Rows AS Rows, Error FROM delete_flow(flow_id='${F1}', client_id='${A}')`);
      expect(dry).toEqual({
        rows: [
          { Type: "Upload", VFSPath: `/clients/${A}/collections/${F1}/uploads/etc/hosts`, Rows: null, Error: "" },
          { Type: "Log", VFSPath: `/clients/${A}/collections/${F1}/logs`, Rows: 2, Error: "" },
          { Type: "Result", VFSPath: `/clients/${A}/artifacts/Test.Rows/${F1}`, Rows: 3, Error: "" },
          { Type: "CollectionContext", VFSPath: `/clients/${A}/collections/${F1}`, Rows: null, Error: "" },
        ],
        logs: [],
      });
      expect(await count("flow_results", `flow_id = '${F1}'`)).toBe(3);
      expect((await vql(`SELECT * FROM flows(client_id='${A}', flow_id='${F1}')`)).rows).toHaveLength(1);
    });

    it("delete_flow(really_do_it=TRUE) deletes that flow's rows, logs, uploads and record, audited; its siblings stay", async () => {
      const done = await vql(`SELECT Type FROM delete_flow(flow_id='${F1}', client_id='${A}', really_do_it=TRUE, sync=TRUE)`);
      expect(done).toEqual({ rows: [{ Type: "Upload" }, { Type: "Log" }, { Type: "Result" }, { Type: "CollectionContext" }], logs: [] });
      for (const t of ["flows", "flow_sources", "flow_results", "flow_logs", "flow_uploads", "flow_upload_parts"]) expect(await count(t, `flow_id = '${F1}'`), t).toBe(0);
      expect(await count("flow_results", `flow_id = '${F2}'`)).toBe(3);
      expect((await engine.audit.list({ limit: 10, operation: "delete_flow" })).map((e) => e.details)).toEqual([{ client_id: A, flow_id: F1 }]);
      // Deleted: not there any more, and a second delete says so.
      const again = await vql(`SELECT * FROM delete_flow(flow_id='${F1}', client_id='${A}', really_do_it=TRUE)`);
      expect(again).toEqual({ rows: [], logs: [`ERROR delete_flow: no flow ${F1} on client ${A}`] });
    });

    it("delete_flow() refuses a running flow, a flow of another client, and callers without DELETE_RESULTS", async () => {
      expect((await vql(`SELECT * FROM delete_flow(flow_id='${RUNNING}', client_id='${A}', really_do_it=TRUE)`)).logs).toEqual([`ERROR delete_flow: flow ${RUNNING} is RUNNING: cancel it before deleting it`]);
      expect((await vql(`SELECT * FROM delete_flow(flow_id='${F2}', client_id='${B}', really_do_it=TRUE)`)).logs).toEqual([`ERROR delete_flow: no flow ${F2} on client ${B}`]);
      const denied = await vql(`SELECT * FROM delete_flow(flow_id='${F2}', client_id='${A}', really_do_it=TRUE)`, ivy);
      expect(denied.rows).toEqual([]);
      expect(denied.logs.join("\n")).toContain("DELETE_RESULTS");
      expect(await count("flows", `flow_id in ('${F2}', '${RUNNING}')`)).toBe(2);
    });

    it("delete_events() lists one row per queue and UTC day in the range, and deletes only those rows", async () => {
      const all = await vql(`SELECT Type, Data.VFSPath AS VFSPath, Data.Rows AS Rows, Error FROM delete_events(artifact='Custom.Events', client_id='${A}')`);
      expect(all.rows).toEqual([
        { Type: "Events", VFSPath: `/clients/${A}/monitoring/Custom.Events/2026-06-01.json`, Rows: 2, Error: "" },
        { Type: "Events", VFSPath: `/clients/${A}/monitoring/Custom.Events/2026-06-02.json`, Rows: 1, Error: "" },
        { Type: "Events", VFSPath: `/clients/${A}/monitoring/Custom.Events/Sub/2026-06-02.json`, Rows: 1, Error: "" },
      ]);
      const day1 = `start_time='2026-06-01T00:00:00Z', end_time='2026-06-02T00:00:00Z'`;
      const done = await vql(`SELECT Data.Rows AS Rows FROM delete_events(artifact='Custom.Events', client_id='${A}', ${day1}, really_do_it=TRUE)`);
      expect(done).toEqual({ rows: [{ Rows: 2 }], logs: [] });
      const left = async (clientId: string) => (await engine.journal.history("Custom.Events", { clientId, limit: 10, oldestFirst: true })).map((e) => e.payload.N);
      expect(await left(A)).toEqual([3]);
      expect(await left(B)).toEqual([9]);
      expect((await engine.audit.list({ limit: 10, operation: "DeleteEvents" }))[0]!.details).toMatchObject({ artifact: "Custom.Events", client_id: A, rows: 2 });
    });

    it("client_delete() lists the client's flows, labels, metadata, events and record; really_do_it deletes all of it and nothing of other clients", async () => {
      const dry = await vql(`SELECT type, vfs_path FROM client_delete(client_id='${A}') WHERE NOT type =~ 'Upload|Log|Result|Events'`);
      expect(dry.rows).toEqual([
        { type: "CollectionContext", vfs_path: `/clients/${A}/collections/${F2}` },
        { type: "CollectionContext", vfs_path: `/clients/${A}/collections/${RUNNING}` },
        { type: "Labels", vfs_path: `/clients/${A}/labels` },
        { type: "Metadata", vfs_path: `/clients/${A}/metadata` },
        { type: "Client", vfs_path: `/clients/${A}` },
      ]);
      // Its event rows, by queue: Custom.Events' one left, and the journal's own events about it
      // (the label and metadata changes above) are the client's too.
      const events = (await vql(`SELECT vfs_path FROM client_delete(client_id='${A}') WHERE type = 'Events'`)).rows.map((r) => r.vfs_path);
      expect(events).toEqual(expect.arrayContaining([`/clients/${A}/monitoring/Custom.Events`, `/clients/${A}/monitoring/Custom.Events/Sub`, `/clients/${A}/monitoring/Server.Internal.Label`]));
      expect(await count("clients", `client_id = '${A}'`)).toBe(1);

      const denied = await vql(`SELECT * FROM client_delete(client_id='${A}', really_do_it=TRUE)`, ivy);
      expect(denied.rows).toEqual([]);

      const done = await vql(`SELECT client_id, type, error FROM client_delete(client_id='${A}', really_do_it=TRUE) WHERE type = 'Client'`);
      expect(done).toEqual({ rows: [{ client_id: A, type: "Client", error: "" }], logs: [] });
      expect(await count("clients", `client_id = '${A}'`)).toBe(0);
      expect(await count("client_labels", `client_id = '${A}'`)).toBe(0);
      expect(await count("flows", `client_id = '${A}'`)).toBe(0);
      for (const t of ["flow_results", "flow_logs", "flow_uploads", "flow_upload_parts"]) expect(await count(t, `flow_id in ('${F2}', '${RUNNING}')`), t).toBe(0);
      expect(await count("events", `client_id = '${A}' and queue like 'Custom.Events%'`)).toBe(0);
      expect((await vql(`SELECT client_info(client_id='${A}') AS C FROM scope()`)).rows).toEqual([{ C: null }]);
      // The other client keeps everything.
      expect(await count("flows", `client_id = '${B}'`)).toBe(1);
      expect(await count("events", `client_id = '${B}' and queue = 'Custom.Events'`)).toBe(1);
      expect((await engine.audit.list({ limit: 10, operation: "client_delete" })).map((e) => e.details)).toEqual([{ client_id: A, flows: 2 }]);
    });

    it("help() describes every builtin from its descriptor, as Server.Utils.Policy reads it", async () => {
      const { rows } = await vql("SELECT * FROM help() WHERE name = 'delete_flow' OR name = 'whoami'");
      expect(rows).toEqual([
        {
          name: "delete_flow",
          description: expect.stringContaining("Deletes a collection"),
          type: "Plugin",
          category: "server",
          args: [
            { name: "flow_id", description: "The flow to delete.", type: "string", required: true, repeated: false },
            { name: "client_id", description: "The client it was collected from.", type: "string", required: true, repeated: false },
            { name: "really_do_it", description: "Delete it (otherwise a dry run).", type: "bool", required: false, repeated: false },
            { name: "sync", description: expect.any(String), type: "bool", required: false, repeated: false },
          ],
          metadata: { permissions: "DELETE_RESULTS" },
          platforms: ["server"],
        },
        { name: "whoami", description: "The name of the user running the query.", type: "Function", category: "server", args: [], metadata: { permissions: "READ_RESULTS" }, platforms: ["server"] },
      ]);
      const policy = await vql(`SELECT name, metadata.permissions AS perms FROM help() WHERE type =~ "Plugin" AND perms =~ "DELETE_RESULTS" ORDER BY name`);
      expect(policy.rows.map((r) => r.name)).toEqual(expect.arrayContaining(["client_delete", "delete_events", "delete_flow", "hunt_delete"]));
    });
  });
}
