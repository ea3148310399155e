import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queries } from "@/drizzle";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { Database } from "@/drizzle";
import { startAudit } from "../audit";
import { ACCESS_CHANGE_QUEUE, type AccountsService, type AuditService, type Principal } from "@/engine/server/contracts";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { SYSTEM_PRINCIPAL } from "./principal";
import { startAccounts } from "./start";

for (const target of testDatabaseTargets()) {
  describe(`accounts on ${target.name}`, () => {
    let database: Database;
    let accounts: AccountsService;
    let audit: AuditService;
    let clockMs = Date.parse("2026-11-22T10:00:00Z");
    const meta = { userAgent: "test", ip: "127.0.0.1" };

    let t: TestDeps;
    beforeAll(async () => {
      database = await target.open();
      t = await testServiceDeps(database, { clock: { now: () => new Date(clockMs) }, config: { adminPassword: "first-admin-pw" } });
      audit = startAudit(t);
      accounts = startAccounts({ ...t, audit }, t.signal);
    });
    afterAll(async () => {
      await t?.stop();
      await database?.close();
    });

    it("ensureFirstAdmin() creates admin once, with the configured password", async () => {
      const first = await accounts.ensureFirstAdmin();
      expect(first).toEqual({ created: true, username: "admin", password: "first-admin-pw" });
      expect(await accounts.ensureFirstAdmin()).toEqual({ created: false });
    });

    it("signIn() gives a session token that resolves to the user with the role's permissions", async () => {
      const res = await accounts.signIn("Admin", "first-admin-pw", meta);
      if (!res.ok) throw new Error(res.reason);
      const p = await accounts.resolveSession(res.token);
      expect(p?.username).toBe("admin");
      expect(p?.permissions.has("SERVER_ADMIN")).toBe(true);
      expect(await accounts.resolveSession(res.token + "x")).toBeUndefined();
    });

    it("signIn() refuses a wrong password without saying which part was wrong", async () => {
      const res = await accounts.signIn("admin", "nope-nope", { ...meta, ip: "10.9.9.9" });
      expect(res).toEqual({ ok: false, reason: "wrong user name or password" });
      const none = await accounts.signIn("ghost", "nope-nope", { ...meta, ip: "10.9.9.9" });
      expect(none).toEqual({ ok: false, reason: "wrong user name or password" });
    });

    it("signIn() throttles after five failures for one name from one address", async () => {
      const ip = "10.1.1.1";
      for (let i = 0; i < 5; i++) await accounts.signIn("admin", "bad-password", { ...meta, ip });
      const blocked = await accounts.signIn("admin", "first-admin-pw", { ...meta, ip });
      expect(blocked.ok).toBe(false);
      const otherIp = await accounts.signIn("admin", "first-admin-pw", { ...meta, ip: "10.1.1.2" });
      expect(otherIp.ok).toBe(true);
    });

    it("a reader cannot manage users; an administrator can create, demote and disable", async () => {
      const reader = await accounts.createUser(SYSTEM_PRINCIPAL, { username: "rita", password: "reader-pass", role: "reader" });
      expect(reader.role).toBe("reader");
      const s = await accounts.signIn("rita", "reader-pass", meta);
      if (!s.ok) throw new Error(s.reason);
      const rita = (await accounts.resolveSession(s.token)) as Principal;
      await expect(accounts.listUsers(rita)).rejects.toThrow(/SERVER_ADMIN/);
      await expect(accounts.createUser(rita, { username: "x1", password: "whatever1", role: "reader" })).rejects.toThrow(/SERVER_ADMIN/);
      await accounts.setDisabled(SYSTEM_PRINCIPAL, "rita", true);
      expect(await accounts.resolveSession(s.token)).toBeUndefined();
      const again = await accounts.signIn("rita", "reader-pass", meta);
      expect(again.ok).toBe(false);
    });

    it("createUser() rejects bad names, roles, short passwords and duplicates", async () => {
      await expect(accounts.createUser(SYSTEM_PRINCIPAL, { username: "Bad Name", password: "longenough", role: "reader" })).rejects.toThrow(/user name/);
      await expect(accounts.createUser(SYSTEM_PRINCIPAL, { username: "bob", password: "longenough", role: "root" })).rejects.toThrow(/role must be one of/);
      await expect(accounts.createUser(SYSTEM_PRINCIPAL, { username: "bob", password: "short", role: "reader" })).rejects.toThrow(/at least 8/);
      await accounts.createUser(SYSTEM_PRINCIPAL, { username: "bob", password: "longenough", role: "analyst" });
      await expect(accounts.createUser(SYSTEM_PRINCIPAL, { username: "bob", password: "longenough", role: "reader" })).rejects.toMatchObject({ code: "conflict" });
    });

    it("a lookup that overlaps sign-out does not bring the session back from the cache", async () => {
      const s = await accounts.signIn("bob", "longenough", meta);
      if (!s.ok) throw new Error(s.reason);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const real = queries.getSessionWithUser;
      const spy = vi.spyOn(queries, "getSessionWithUser").mockImplementationOnce(async (...a) => {
        const found = await real(...a); // reads the session while it still exists
        await gate; // ...and finishes only after the sign-out
        return found;
      });
      try {
        const slow = accounts.resolveSession(s.token);
        await accounts.signOut(s.token);
        release();
        expect(await slow).toBeUndefined();
        expect(await accounts.resolveSession(s.token)).toBeUndefined();
      } finally {
        spy.mockRestore();
      }
    });

    it("sessions expire after the idle time", async () => {
      const s = await accounts.signIn("bob", "longenough", meta);
      if (!s.ok) throw new Error(s.reason);
      clockMs += 3 * 3600_000;
      expect(await accounts.resolveSession(s.token)).toBeUndefined();
    });

    it("API keys resolve to their user until revoked", async () => {
      await accounts.createUser(SYSTEM_PRINCIPAL, { username: "bot", password: "bot-password", role: "api" });
      const { id, key } = await accounts.issueApiKey(SYSTEM_PRINCIPAL, "bot", "ci");
      expect(key).toMatch(/^tk_[a-f0-9]{16}_/);
      expect((await accounts.resolveApiKey(key))?.username).toBe("bot");
      expect(await accounts.resolveApiKey(key.slice(0, -2) + "zz")).toBeUndefined();
      await accounts.revokeApiKey(SYSTEM_PRINCIPAL, id);
      expect(await accounts.resolveApiKey(key)).toBeUndefined();
    });

    it("access changes are journaled with the change, in its transaction: role, disable, password, sign-out, API key", async () => {
      const since = new Date(clockMs - 1);
      await accounts.createUser(SYSTEM_PRINCIPAL, { username: "jo", password: "jo-password-1", role: "analyst" });
      const jo = await accounts.signIn("jo", "jo-password-1", meta);
      if (!jo.ok) throw new Error(jo.reason);
      await accounts.setRole(SYSTEM_PRINCIPAL, "jo", "reader");
      await accounts.resetPassword(SYSTEM_PRINCIPAL, "jo", "jo-password-2");
      const again = await accounts.signIn("jo", "jo-password-2", meta);
      if (!again.ok) throw new Error(again.reason);
      await accounts.changeOwnPassword(again.principal, "jo-password-2", "jo-password-3");
      await accounts.signOut(again.token);
      const { id } = await accounts.issueApiKey(SYSTEM_PRINCIPAL, "jo", "jo's key");
      await accounts.revokeApiKey(SYSTEM_PRINCIPAL, id);
      await accounts.setDisabled(SYSTEM_PRINCIPAL, "jo", true);
      await accounts.setDisabled(SYSTEM_PRINCIPAL, "jo", false);
      const events = (await t.journal.history(ACCESS_CHANGE_QUEUE, { start: since, limit: 100, oldestFirst: true })).map((e) => e.payload).filter((p) => p.username === "jo");
      expect(events).toEqual(
        ["role", "password", "password", "sign-out", "api-key", "disabled"].map((reason) => ({ kind: "user", userId: again.principal.userId, username: "jo", reason })),
      );

      // The event commits with the change or neither does.
      const failing = startAccounts({ ...t, audit, journal: { append: async () => Promise.reject(new Error("journal down")) } }, t.signal);
      await expect(failing.setRole(SYSTEM_PRINCIPAL, "jo", "analyst")).rejects.toThrow(/journal down/);
      expect((await queries.getUserByName(database.db, "jo"))?.role).toBe("reader");
    });

    it("sensitive actions land in the audit log", async () => {
      const ops = (await audit.list({ limit: 100 })).map((e) => e.operation);
      for (const op of ["user_create", "Login", "LoginFailed", "user_disable", "api_key_issue", "api_key_revoke"]) {
        expect(ops).toContain(op);
      }
    });
  });
}
