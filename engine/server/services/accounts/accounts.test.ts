import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queries } from "@/drizzle";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { Database } from "@/drizzle";
import { startAudit } from "../audit";
import type { AccountsService, AuditService, Principal } from "@/engine/server/contracts";
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

    it("sensitive actions land in the audit log", async () => {
      const ops = (await audit.list({ limit: 100 })).map((e) => e.operation);
      for (const op of ["user_create", "Login", "LoginFailed", "user_disable", "api_key_issue", "api_key_revoke"]) {
        expect(ops).toContain(op);
      }
    });
  });
}
