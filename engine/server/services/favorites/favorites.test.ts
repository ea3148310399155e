// The favorites service on each test database, and through VQL: a user saves, replaces, lists
// and deletes their own saved collection specs (never another user's); specs are checked at the
// edge (JSON string or list), refusals name the field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { Database } from "@/drizzle";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "@/engine/vql";
import { permissionsOf } from "../../auth/roles";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { startAudit } from "../audit";
import { serverBuiltins } from "../../plugins";
import type { AuditService, FavoritesService, Principal, VqlServices } from "@/engine/server/contracts";
import { startFavorites } from ".";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const as = (role: string, username = role): Principal => ({ userId: username, username, role, permissions: permissionsOf(role), via: "session" });
const alice = as("administrator", "alice");
const bob = as("investigator", "bob");
const KAPE = '[{"artifact":"Windows.KapeFiles.Targets", "parameters":{"env":[{"key":"EventLogs", "value":"Y"}]}}]';

for (const target of testDatabaseTargets()) {
  describe(`favorites service on ${target.name}`, () => {
    let database: Database;
    let t: TestDeps;
    let audit: AuditService;
    let favorites: FavoritesService;

    beforeAll(async () => {
      database = await target.open();
      t = await testServiceDeps(database);
      audit = startAudit(t);
      favorites = startFavorites({ ...t, audit });
    });
    afterAll(async () => {
      await t?.stop();
      await database?.close();
    });

    async function vql(text: string, principal: Principal = alice, withService = true) {
      const rows: unknown[] = [];
      const logs: string[] = [];
      const services = (withService ? { favorites } : {}) as unknown as VqlServices;
      for await (const e of runVql(text, { registry, host: { principal, services }, permissions: principal.permissions })) {
        if (e.kind === "row") rows.push(toJsonValue(e.row));
        if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
      }
      return { rows, logs };
    }

    it("save() parses a JSON spec (the corpus's example) and list() returns it for its owner only", async () => {
      const f = await favorites.save(alice, { name: "kape", description: "event logs", spec: KAPE, type: "CLIENT" });
      expect(f).toMatchObject({ name: "kape", description: "event logs", type: "CLIENT", spec: [{ artifact: "Windows.KapeFiles.Targets", parameters: { env: [{ key: "EventLogs", value: "Y" }] } }] });
      expect((await favorites.list(alice)).map((x) => [x.type, x.name])).toEqual([["CLIENT", "kape"]]);
      expect(await favorites.list(bob)).toEqual([]);
    });

    it("saving the same name and type replaces it; another type is another favorite; list() filters by type", async () => {
      await favorites.save(alice, { name: "kape", description: "v2", spec: [{ artifact: "Generic.Client.Info" }], type: "CLIENT" });
      await favorites.save(alice, { name: "kape", spec: [{ artifact: "Server.Monitor.Health" }], type: "SERVER" });
      const all = await favorites.list(alice);
      expect(all.map((x) => [x.type, x.name, x.description, x.spec.map((s) => s.artifact)])).toEqual([
        ["CLIENT", "kape", "v2", ["Generic.Client.Info"]],
        ["SERVER", "kape", "", ["Server.Monitor.Health"]],
      ]);
      expect((await favorites.list(alice, "SERVER")).map((x) => x.spec[0].artifact)).toEqual(["Server.Monitor.Health"]);
    });

    it("refuses a bad name, type or spec, naming the field", async () => {
      await expect(favorites.save(alice, { name: "", spec: "[]", type: "CLIENT" })).rejects.toThrow("field `name`");
      await expect(favorites.save(alice, { name: "x", spec: "[]", type: "HUNT" })).rejects.toThrow("field `type`: expected one of CLIENT, SERVER, CLIENT_EVENT, SERVER_EVENT");
      await expect(favorites.save(alice, { name: "x", spec: "{not json", type: "CLIENT" })).rejects.toThrow("field `specs`: not valid JSON");
      await expect(favorites.save(alice, { name: "x", spec: [{ parameters: {} }], type: "CLIENT" })).rejects.toThrow("field `specs`: expected a list of {artifact, parameters: {env: [{key, value}]}} (at 0.artifact)");
      await expect(favorites.list(alice, "NOPE")).rejects.toMatchObject({ code: "bad_request" });
    });

    it("remove() deletes the owner's favorite of that type only; a missing one is not_found", async () => {
      await favorites.save(bob, { name: "kape", spec: KAPE, type: "CLIENT" });
      await favorites.remove(alice, "kape", "SERVER");
      expect((await favorites.list(alice)).map((x) => x.type)).toEqual(["CLIENT"]);
      expect((await favorites.list(bob)).map((x) => x.name)).toEqual(["kape"]);
      await expect(favorites.remove(alice, "kape", "SERVER")).rejects.toMatchObject({ code: "not_found", message: "no SERVER favorite named kape" });
      const ops = (await audit.list({ limit: 100 })).map((e) => [e.operation, e.details]);
      expect(ops).toContainEqual(["favorites_delete", { name: "kape", type: "SERVER" }]);
      expect(ops).toContainEqual(["favorites_save", { name: "kape", type: "CLIENT", artifacts: ["Windows.KapeFiles.Targets"] }]);
    });

    it("VQL: Server.Utils.SaveFavoriteFlow's call (a list value), favorites_list() and DeleteFavoriteFlow's call", async () => {
      const saved = await vql(
        "LET Specs <= parse_json_array(data='[{\"artifact\":\"Linux.Sys.Users\",\"parameters\":{\"env\":[{\"key\":\"UserFile\",\"value\":\"/etc/passwd\"}]}}]') " +
          "SELECT favorites_save(name='users', description='local users', specs=Specs, type='CLIENT') AS S FROM scope()",
        bob,
      );
      expect(saved).toEqual({ rows: [{ S: null }], logs: [] });
      const listed = await vql("SELECT * FROM favorites_list()", bob);
      expect(listed.rows).toEqual([
        { name: "kape", description: "", spec: [{ artifact: "Windows.KapeFiles.Targets", parameters: { env: [{ key: "EventLogs", value: "Y" }] } }], type: "CLIENT" },
        { name: "users", description: "local users", spec: [{ artifact: "Linux.Sys.Users", parameters: { env: [{ key: "UserFile", value: "/etc/passwd" }] } }], type: "CLIENT" },
      ]);
      expect(await vql("SELECT favorites_delete(name='users', type='CLIENT') AS D FROM scope()", bob)).toEqual({ rows: [{ D: null }], logs: [] });
      expect((await vql("SELECT name FROM favorites_list()", bob)).rows).toEqual([{ name: "kape" }]);
      expect(await vql("SELECT favorites_delete(name='users', type='CLIENT') AS D FROM scope()", bob)).toEqual({ rows: [{ D: null }], logs: ["ERROR favorites_delete: no CLIENT favorite named users"] });
      expect((await vql("SELECT favorites_save(name='x', specs='[]', type='HUNT') AS S FROM scope()", bob)).logs).toEqual(["ERROR favorites_save: field `type`: expected one of CLIENT, SERVER, CLIENT_EVENT, SERVER_EVENT"]);
      expect((await vql("SELECT * FROM favorites_list()", bob, false)).logs).toEqual(["ERROR favorites_list: favorites builtins need the favorites service, which this query was not given"]);
    });
  });
}
