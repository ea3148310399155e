// server_metadata() and server_set_metadata() over the real clients service, in the ways
// Velociraptor's server artifacts call them, and the corpus artifacts that read their tokens
// from server metadata lint clean.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { Database } from "@/drizzle";
import { loadArtifact } from "../../artifacts";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "../../vql";
import { permissionsOf } from "../auth/roles";
import { testServiceDeps, type TestDeps } from "../cluster/testing";
import { startAudit } from "../services/audit";
import { startClients } from "../services/clients";
import { artifactVqlChecker } from "../vql/artifact-checker";
import type { Principal, VqlServices } from "@/engine/server/contracts";
import { serverBuiltins } from ".";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const as = (role: string): Principal => ({ userId: role, username: role, role, permissions: permissionsOf(role), via: "session" });
const admin = as("administrator");
const TOKEN = "https://hooks.slack.example/services/T0/B0/secret-token-42";
const CORPUS = resolve(import.meta.dirname, "../../../../shared/corpus/velociraptor-artifacts");

for (const target of testDatabaseTargets()) {
  describe(`server metadata builtins on ${target.name}`, () => {
    let database: Database;
    let t: TestDeps;
    let services: VqlServices;

    async function vql(text: string, principal: Principal = admin, env: Record<string, unknown> = {}) {
      const rows: unknown[] = [];
      const logs: string[] = [];
      for await (const e of runVql(text, { registry, env, host: { principal, services }, permissions: principal.permissions })) {
        if (e.kind === "row") rows.push(toJsonValue(e.row));
        if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
      }
      return { rows, logs };
    }

    beforeAll(async () => {
      database = await target.open();
      t = await testServiceDeps(database);
      const clients = startClients({ ...t, audit: startAudit(t), journal: t.journal, presence: { online: async () => new Set(), liveNodeIds: () => [], disconnectLocal: () => false, sendLocal: () => false } }, t.signal);
      services = { clients } as unknown as VqlServices;
    });
    afterAll(async () => {
      await t?.stop();
      await database?.close();
    });

    it("server_set_metadata() takes keyword arguments and returns TRUE, not the values; server_metadata() returns the dict", async () => {
      const set = await vql(`SELECT server_set_metadata(SlackToken='${TOKEN}', \`Slack Channel\`='#ir') AS S FROM scope()`);
      expect(set).toEqual({ rows: [{ S: true }], logs: [] });
      expect((await vql("SELECT server_metadata() AS M FROM scope()")).rows).toEqual([{ M: { SlackToken: TOKEN, "Slack Channel": "#ir" } }]);
    });

    it("server_set_metadata(metadata=dict) sets from the dict, and a NULL value removes the key", async () => {
      await vql("SELECT server_set_metadata(metadata=dict(TheHiveKey='hive', `Slack Channel`=NULL, Retries=3)) FROM scope()");
      expect((await vql("SELECT server_metadata() AS M FROM scope()")).rows).toEqual([{ M: { SlackToken: TOKEN, TheHiveKey: "hive", Retries: "3" } }]);
    });

    it("Server.Utils.AddUser's update (set() on the whole dict) and Server.Alerts.Notification's fallback read work as written", async () => {
      await vql(
        `LET Password <= 'pw-0123'
LET ServerMetadataKey <= "User Password " + UserName
SELECT server_set_metadata(metadata=set(item=server_metadata(), field=ServerMetadataKey, value=Password)) AS Stored FROM scope()`,
        admin,
        { UserName: "bob" },
      );
      expect((await vql("SELECT server_metadata().`User Password bob` AS P FROM scope()")).rows).toEqual([{ P: "pw-0123" }]);
      const notification = `LET token_url = if(
   condition=SlackToken,
   then=SlackToken,
   else=server_metadata().SlackToken)
SELECT token_url FROM scope()`;
      expect((await vql(notification, admin, { SlackToken: "" })).rows).toEqual([{ token_url: TOKEN }]);
      expect((await vql(notification, admin, { SlackToken: "https://given" })).rows).toEqual([{ token_url: "https://given" }]);
    });

    it("without SERVER_ADMIN both are refused before they run, and the refusal logs no value", async () => {
      for (const role of ["investigator", "analyst"]) {
        const r = await vql("SELECT server_metadata() AS M, server_set_metadata(SlackToken='x') AS S FROM scope()", as(role));
        expect(r.rows).toEqual([{ M: null, S: null }]);
        expect(r.logs.join("\n")).toMatch(/permission denied: `server_metadata\(\)` needs SERVER_ADMIN/);
        expect(r.logs.join("\n")).toMatch(/permission denied: `server_set_metadata\(\)` needs SERVER_ADMIN/);
      }
      const bad = await vql("SELECT server_set_metadata(metadata=dict(` `='secret-value-9')) AS S FROM scope()");
      expect(bad.rows).toEqual([{ S: null }]);
      expect(bad.logs.join("\n")).toMatch(/ERROR server_set_metadata: a server metadata key is 1 to 200 printable characters/);
      expect(bad.logs.join("\n")).not.toContain("secret-value-9");
      expect((await vql("SELECT server_metadata().SlackToken AS T FROM scope()")).rows).toEqual([{ T: TOKEN }]);
    });
  });
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$|,yaml$/.test(n) ? [p] : [];
  });
}

describe.runIf(existsSync(CORPUS))("Velociraptor's server artifacts that read server metadata", () => {
  it("all 14 load, and lint knows server_metadata() and server_set_metadata()", () => {
    const files = yamlFiles(CORPUS).filter((f) => /server_(set_)?metadata\(/.test(readFileSync(f, "utf8")));
    expect(files).toHaveLength(14);
    for (const f of files) {
      const r = loadArtifact(readFileSync(f, "utf8"), { checkVql: artifactVqlChecker() });
      expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(r.diagnostics.filter((d) => /server_(set_)?metadata/.test(d.message)).map((d) => `${f}: ${d.message}`)).toEqual([]);
    }
  });
});
