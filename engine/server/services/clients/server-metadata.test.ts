import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { Database } from "@/drizzle";
import { permissionsOf } from "../../auth/roles";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { startAudit } from "../audit";
import { METADATA_QUEUE, type AuditService, type ClientsService, type Logger, type Principal } from "@/engine/server/contracts";
import { planServerMetadataChange } from "./server-metadata";
import { startClients } from "./start";

const as = (role: string): Principal => ({ userId: role, username: role, role, permissions: permissionsOf(role), via: "session" });
const admin = as("administrator");
const SECRET = "https://hooks.slack.example/services/T000/B000/very-secret-token";

describe("planServerMetadataChange()", () => {
  it("lets the last mention of a key win, turns NULL into a removal, and lets remove win over set", () => {
    expect(planServerMetadataChange([["a", "1"], ["b", null], ["a", "2"], ["c", "3"]], ["c"])).toEqual({ set: [["a", "2"]], remove: ["b", "c"] });
  });

  it("takes keys with spaces (Velociraptor's `User Password bob`) but refuses empty keys and control characters, naming no value", () => {
    expect(planServerMetadataChange([["User Password bob", "x"]], []).set).toEqual([["User Password bob", "x"]]);
    expect(() => planServerMetadataChange([[" ", "x"]], [])).toThrow(/key is 1 to 200 printable characters/);
    expect(() => planServerMetadataChange([["a\nb", "x"]], [])).toThrow(/printable/);
    expect(() => planServerMetadataChange([["Big", "x".repeat(100_001)]], [])).toThrow("the value of server metadata key `Big` is longer than 100000 characters");
  });
});

for (const target of testDatabaseTargets()) {
  describe(`server metadata on ${target.name}`, () => {
    let database: Database;
    let t: TestDeps;
    let audit: AuditService;
    let clients: ClientsService;
    const logged: unknown[] = [];
    const log: Logger = { info: (...a) => void logged.push(a), warn: (...a) => void logged.push(a), error: (...a) => void logged.push(a) };

    beforeAll(async () => {
      database = await target.open();
      t = await testServiceDeps(database, { log });
      audit = startAudit(t);
      clients = startClients({ ...t, audit, journal: t.journal, presence: { online: async () => new Set(), liveNodeIds: () => [], disconnectLocal: () => false, sendLocal: () => false } }, t.signal);
    });
    afterAll(async () => {
      await t?.stop();
      await database?.close();
    });

    it("starts empty, keeps keys in the order first set, overwrites in place and removes", async () => {
      expect(await clients.serverMetadata(admin)).toEqual([]);
      expect(await clients.setServerMetadata(admin, [["SlackToken", SECRET], ["DefaultBucket", "evidence"]])).toEqual(["SlackToken", "DefaultBucket"]);
      expect(await clients.setServerMetadata(admin, [["TheHiveKey", "hive-secret-k1"], ["SlackToken", SECRET + "2"]])).toEqual(["TheHiveKey", "SlackToken"]);
      expect(await clients.serverMetadata(admin)).toEqual([["SlackToken", SECRET + "2"], ["DefaultBucket", "evidence"], ["TheHiveKey", "hive-secret-k1"]]);
      // Setting the same value again changes nothing (and audits nothing).
      expect(await clients.setServerMetadata(admin, [["DefaultBucket", "evidence"]])).toEqual([]);
      expect(await clients.setServerMetadata(admin, [["DefaultBucket", null]], ["TheHiveKey", "NoSuchKey"])).toEqual(["DefaultBucket", "TheHiveKey"]);
      expect(await clients.serverMetadata(admin)).toEqual([["SlackToken", SECRET + "2"]]);
    });

    it("needs SERVER_ADMIN to read and to write", async () => {
      for (const role of ["investigator", "analyst", "reader", "api"]) {
        await expect(clients.serverMetadata(as(role))).rejects.toMatchObject({ code: "forbidden" });
        await expect(clients.setServerMetadata(as(role), [["x", "y"]])).rejects.toMatchObject({ code: "forbidden" });
      }
    });

    it("audits SetMetadata and publishes the change with the keys only: no value reaches the audit log, the journal or a log line", async () => {
      await clients.setServerMetadata(admin, [["VirustotalKey", "vt-" + SECRET]]);
      const entries = await audit.list({ limit: 20, operation: "SetMetadata" });
      expect(entries[0]).toMatchObject({ principal: "administrator", details: { client_id: "server", updated_keys: ["VirustotalKey"] } });
      expect(entries.map((e) => e.details)).toEqual([
        { client_id: "server", updated_keys: ["VirustotalKey"] },
        { client_id: "server", updated_keys: ["DefaultBucket", "TheHiveKey"] },
        { client_id: "server", updated_keys: ["TheHiveKey", "SlackToken"] },
        { client_id: "server", updated_keys: ["SlackToken", "DefaultBucket"] },
      ]);
      const events = await t.journal.history(METADATA_QUEUE, { limit: 20, oldestFirst: true });
      expect(events.map((e) => [e.clientId, e.payload])).toContainEqual(["server", { client_id: "server", principal: "administrator", updated_keys: ["VirustotalKey"] }]);
      const everything = JSON.stringify([entries, events, logged]);
      expect(everything).not.toContain("very-secret-token");
      expect(everything).not.toContain("hive-secret");
    });
  });
}
