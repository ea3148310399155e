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
    /** Holds the per-name slowdown asked for (recorded, not waited). */
    const holds: number[] = [];
    beforeAll(async () => {
      database = await target.open();
      t = await testServiceDeps(database, { clock: { now: () => new Date(clockMs) }, config: { adminPassword: "first-admin-pw" } });
      audit = startAudit(t);
      accounts = startAccounts({ ...t, audit, hold: async (ms) => void holds.push(ms) }, t.signal);
    });
    afterAll(async () => {
      await t?.stop();
      await database?.close();
    });

    it("ensureFirstAdmin() refuses a configured password that breaks the rules, naming the setting", async () => {
      const fresh = await target.open();
      const d = await testServiceDeps(fresh, { config: { adminPassword: "admin-pw" } });
      try {
        const other = startAccounts({ ...d, audit: startAudit(d) }, d.signal);
        await expect(other.ensureFirstAdmin()).rejects.toThrow("TALON_ADMIN_PASSWORD: the password must have at least 12 characters");
      } finally {
        await d.stop();
        await fresh.close();
      }
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

    it("signIn() from one address guessing one name meets doubling delays; the owner elsewhere is unaffected", async () => {
      const ip = "10.1.1.1";
      for (let i = 0; i < 3; i++) expect(await accounts.signIn("admin", "bad-password", { ...meta, ip })).toEqual({ ok: false, reason: "wrong user name or password" });
      // The fourth attempt within a second is refused unchecked, even with the right password.
      const blocked = await accounts.signIn("admin", "first-admin-pw", { ...meta, ip });
      expect(blocked).toMatchObject({ ok: false, retryAfterSeconds: 1 });
      clockMs += 1000;
      expect((await accounts.signIn("admin", "bad-password", { ...meta, ip })).ok).toBe(false);
      expect(await accounts.signIn("admin", "bad-password", { ...meta, ip })).toMatchObject({ ok: false, retryAfterSeconds: 2 });
      clockMs += 2000;
      expect((await accounts.signIn("admin", "bad-password", { ...meta, ip })).ok).toBe(false);
      expect(await accounts.signIn("admin", "bad-password", { ...meta, ip })).toMatchObject({ ok: false, retryAfterSeconds: 4 });
      const otherIp = await accounts.signIn("admin", "first-admin-pw", { ...meta, ip: "10.1.1.2" });
      expect(otherIp.ok).toBe(true);
      // After the delay the right password works, and the pair is forgiven.
      clockMs += 4000;
      expect((await accounts.signIn("admin", "first-admin-pw", { ...meta, ip })).ok).toBe(true);
      expect((await accounts.signIn("admin", "bad-password", { ...meta, ip })).ok).toBe(false);
      expect(await accounts.signIn("admin", "bad-password", { ...meta, ip })).toEqual({ ok: false, reason: "wrong user name or password" });
    });

    it("a guesser rotating addresses (60 guesses) is slowed on the name but never locks the owner out", async () => {
      // Seen: 5 wrong passwords from any direct client locked the account for every client.
      await accounts.createUser(SYSTEM_PRINCIPAL, { username: "olga", password: "olga-owner-password", role: "analyst" });
      holds.length = 0;
      for (let i = 0; i < 60; i++) {
        const r = await accounts.signIn("olga", `guess-${i}`, { ...meta, ip: `198.51.100.${i + 1}` });
        expect(r).toEqual({ ok: false, reason: "wrong user name or password" });
      }
      // Past 10 failures on the name, each attempt is held before it is checked, growing to 3 s.
      expect(holds.length).toBe(49);
      expect(holds[0]).toBe(100);
      expect(Math.max(...holds)).toBe(3000);
      const owner = await accounts.signIn("olga", "olga-owner-password", { ...meta, ip: "203.0.113.7" });
      expect(owner.ok).toBe(true);
      expect(holds.at(-1)).toBe(3000);
    });

    it("signIn() from one address trying many names is refused past 20 failures", async () => {
      const ip = "192.0.2.50";
      for (let i = 0; i < 20; i++) expect((await accounts.signIn(`nobody-${i}`, "x-password-x", { ...meta, ip })).ok).toBe(false);
      expect(await accounts.signIn("nobody-new", "x-password-x", { ...meta, ip })).toMatchObject({ ok: false, retryAfterSeconds: 1 });
      expect(await accounts.signIn("admin", "first-admin-pw", { ...meta, ip })).toMatchObject({ ok: false, retryAfterSeconds: 1 });
      expect((await accounts.signIn("admin", "first-admin-pw", { ...meta, ip: "192.0.2.51" })).ok).toBe(true);
    });

    it("IPv6 addresses of one /64 count as one address", async () => {
      for (let i = 1; i <= 3; i++) await accounts.signIn("admin", "bad-password", { ...meta, ip: `2001:db8:1:2::${i}` });
      expect(await accounts.signIn("admin", "first-admin-pw", { ...meta, ip: "2001:db8:1:2:ffff::9" })).toMatchObject({ ok: false, retryAfterSeconds: 1 });
      expect((await accounts.signIn("admin", "first-admin-pw", { ...meta, ip: "2001:db8:1:3::1" })).ok).toBe(true);
    });

    it("the audit log records the real address, and what a trusted proxy forwarded only when given", async () => {
      await accounts.signIn("admin", "wrong-one-here", { ...meta, ip: "172.20.0.9" });
      await accounts.signIn("admin", "wrong-one-here", { ...meta, ip: "203.0.113.80", peer: "10.0.0.2", forwardedFor: "203.0.113.80" });
      const failed = (await audit.list({ limit: 500 })).filter((e) => e.operation === "LoginFailed" && e.principal === "admin");
      const details = failed.map((e) => e.details as Record<string, unknown>);
      expect(details).toContainEqual({ ip: "172.20.0.9", reason: "bad credentials" });
      expect(details).toContainEqual({ ip: "203.0.113.80", peer: "10.0.0.2", forwardedFor: "203.0.113.80", reason: "bad credentials" });
    });

    it("changing one's own password ends one's other sessions and keeps the current one", async () => {
      // Seen: the other sessions stayed valid.
      await accounts.createUser(SYSTEM_PRINCIPAL, { username: "carol", password: "carol-first-password", role: "analyst" });
      const here = await accounts.signIn("carol", "carol-first-password", { ...meta, ip: "10.5.0.1" });
      const there = await accounts.signIn("carol", "carol-first-password", { ...meta, ip: "10.5.0.2" });
      if (!here.ok || !there.ok) throw new Error("sign-in failed");
      const carol = (await accounts.resolveSession(here.token)) as Principal;
      expect(await accounts.resolveSession(there.token)).toBeDefined();
      await expect(accounts.changeOwnPassword(carol, "carol-first-password", "password")).rejects.toThrow(/at least 12/);
      await accounts.changeOwnPassword(carol, "carol-first-password", "carol-second-password", here.token);
      expect(await accounts.resolveSession(there.token)).toBeUndefined();
      expect((await accounts.resolveSession(here.token))?.username).toBe("carol");
      expect((await accounts.signIn("carol", "carol-first-password", { ...meta, ip: "10.5.0.3" })).ok).toBe(false);
      expect((await accounts.signIn("carol", "carol-second-password", { ...meta, ip: "10.5.0.3" })).ok).toBe(true);
      // Without a session to keep (an API key, or no cookie) every session ends.
      await accounts.changeOwnPassword(carol, "carol-second-password", "carol-third-password");
      expect(await accounts.resolveSession(here.token)).toBeUndefined();
      const entry = (await audit.list({ limit: 500 })).find((e) => e.operation === "Update password" && e.principal === "carol");
      expect(entry?.details).toMatchObject({ username: "carol" });
    });

    it("a reader cannot manage users; an administrator can create, demote and disable", async () => {
      const reader = await accounts.createUser(SYSTEM_PRINCIPAL, { username: "rita", password: "reader-password", role: "reader" });
      expect(reader.role).toBe("reader");
      const s = await accounts.signIn("rita", "reader-password", meta);
      if (!s.ok) throw new Error(s.reason);
      const rita = (await accounts.resolveSession(s.token)) as Principal;
      await expect(accounts.listUsers(rita)).rejects.toThrow(/SERVER_ADMIN/);
      await expect(accounts.createUser(rita, { username: "x1", password: "whatever-password", role: "reader" })).rejects.toThrow(/SERVER_ADMIN/);
      await accounts.setDisabled(SYSTEM_PRINCIPAL, "rita", true);
      expect(await accounts.resolveSession(s.token)).toBeUndefined();
      const again = await accounts.signIn("rita", "reader-password", meta);
      expect(again.ok).toBe(false);
    });

    it("createUser() rejects bad names, roles, short passwords and duplicates", async () => {
      await expect(accounts.createUser(SYSTEM_PRINCIPAL, { username: "Bad Name", password: "long-enough-pw", role: "reader" })).rejects.toThrow(/user name/);
      await expect(accounts.createUser(SYSTEM_PRINCIPAL, { username: "bob", password: "long-enough-pw", role: "root" })).rejects.toThrow(/role must be one of/);
      await expect(accounts.createUser(SYSTEM_PRINCIPAL, { username: "bob", password: "elevenchars", role: "reader" })).rejects.toThrow(/at least 12/);
      await accounts.createUser(SYSTEM_PRINCIPAL, { username: "bob", password: "long-enough-pw", role: "analyst" });
      await expect(accounts.createUser(SYSTEM_PRINCIPAL, { username: "bob", password: "long-enough-pw", role: "reader" })).rejects.toMatchObject({ code: "conflict" });
    });

    it("a lookup that overlaps sign-out does not bring the session back from the cache", async () => {
      const s = await accounts.signIn("bob", "long-enough-pw", meta);
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
      const s = await accounts.signIn("bob", "long-enough-pw", meta);
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
      // The session making the change is kept (its own sign-out below is an access change too).
      await accounts.changeOwnPassword(again.principal, "jo-password-2", "jo-password-3", again.token);
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
