// The user-options service on each test database, and user_options() through VQL: a user sets and
// reads their own options (empty arguments leave an option as it is), another user's need
// SERVER_ADMIN, links come from a list of dicts, default_password is refused and reads as "".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { Database } from "@/drizzle";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "@/engine/vql";
import { permissionsOf } from "../../auth/roles";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { startAudit } from "../audit";
import { serverBuiltins } from "../../plugins";
import type { AuditService, Principal, UserOptionsService, VqlServices } from "@/engine/server/contracts";
import { startUserOptions } from ".";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const as = (role: string, username = role): Principal => ({ userId: username, username, role, permissions: permissionsOf(role), via: "session" });
const alice = as("administrator", "alice");
const bob = as("investigator", "bob");
const EMPTY = { theme: "", timezone: "", lang: "", org: "", links: [], default_password: "" };

for (const target of testDatabaseTargets()) {
  describe(`user options on ${target.name}`, () => {
    let database: Database;
    let t: TestDeps;
    let audit: AuditService;
    let options: UserOptionsService;

    beforeAll(async () => {
      database = await target.open();
      t = await testServiceDeps(database);
      audit = startAudit(t);
      options = startUserOptions({ ...t, audit });
    });
    afterAll(async () => {
      await t?.stop();
      await database?.close();
    });

    async function vql(text: string, principal: Principal) {
      const rows: unknown[] = [];
      const logs: string[] = [];
      const services = { userOptions: options } as unknown as VqlServices;
      for await (const e of runVql(text, { registry, host: { principal, services }, permissions: principal.permissions })) {
        if (e.kind === "row") rows.push(toJsonValue(e.row));
        if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
      }
      return { rows, logs };
    }

    it("a user with no options reads empty ones; set() changes only what is given", async () => {
      expect(await options.get(bob, "bob")).toEqual(EMPTY);
      expect(await options.set(bob, "bob", { theme: "veloci-dark", timezone: "UTC" })).toEqual({ ...EMPTY, theme: "veloci-dark", timezone: "UTC" });
      expect(await options.set(bob, "bob", { lang: "fr", theme: "" })).toEqual({ ...EMPTY, theme: "veloci-dark", timezone: "UTC", lang: "fr" });
      expect(await options.get(alice, "bob")).toEqual({ ...EMPTY, theme: "veloci-dark", timezone: "UTC", lang: "fr" });
      expect((await audit.list({ limit: 10 })).map((e) => [e.operation, e.details])).toContainEqual(["user_options", { username: "bob", options: ["theme", "timezone"] }]);
    });

    it("another user's options need SERVER_ADMIN; default_password is refused", async () => {
      await expect(options.get(bob, "alice")).rejects.toMatchObject({ code: "forbidden" });
      await expect(options.set(bob, "alice", { theme: "x" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(options.set(bob, "bob", { default_password: "hunter2" })).rejects.toThrow("field `default_password`: Talon writes no encrypted zips, so it keeps no default password");
      expect(await options.set(alice, "bob", { org: "root" })).toMatchObject({ org: "root", lang: "fr" });
    });

    it("VQL: user_options() reads, sets links from a list of dicts, and ExportHunt's default_password reads as empty", async () => {
      expect(await vql("SELECT user_options(user=whoami()).default_password AS P FROM scope()", bob)).toEqual({ rows: [{ P: "" }], logs: [] });
      const set = await vql("SELECT user_options(user='bob', links=[dict(text='Wiki', url='https://wiki.example/', new_tab=TRUE, type='sidebar')]) AS O FROM scope()", bob);
      expect(set).toEqual({
        rows: [{ O: { theme: "veloci-dark", timezone: "UTC", lang: "fr", org: "root", links: [{ type: "sidebar", text: "Wiki", url: "https://wiki.example/", icon_url: "", new_tab: true, encode: "", parameter: "", method: "", disabled: false }], default_password: "" } }],
        logs: [],
      });
      expect(await vql("SELECT user_options(user='alice', theme='x') AS O FROM scope()", bob)).toEqual({ rows: [{ O: null }], logs: ["ERROR user_options: this needs the SERVER_ADMIN permission"] });
    });
  });
}
