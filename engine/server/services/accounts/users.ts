// User management: the first administrator, creating users, roles, passwords, disabling. A role
// change, a disable and a password change are access changes too: each commits with its event
// on Server.Internal.AccessChange, so open sockets of the user are re-checked on every process.
import { randomUUID } from "node:crypto";
import { ConflictError, NotFoundError, queries, type Db } from "@/drizzle";
import { isRole, ROLES } from "../../auth/roles";
import { generatePassword, hashPassword, sha256Hex, verifyPassword } from "../../auth/secrets";
import { NO_COMMON_PASSWORDS, passwordProblem, type CommonPasswordList } from "../../auth/password-policy";
import { ACCESS_CHANGE_QUEUE, requirePermission, ServiceError, type AccessChange, type AuditService, type Journal, type Principal, type ServiceDeps, type UserAccessReason, type UserSummary } from "@/engine/server/contracts";

const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

function summary(u: { id: string; username: string; role: string; disabled: boolean; createdAt: Date }): UserSummary {
  return { id: u.id, username: u.username, role: u.role, disabled: u.disabled, createdAt: u.createdAt };
}

export function startUsers(deps: ServiceDeps & { journal: Pick<Journal, "append">; commonPasswords?: CommonPasswordList }, audit: AuditService, evictUser: (userId: string) => void) {
  const { db } = deps.database;
  const common = deps.commonPasswords ?? NO_COMMON_PASSWORDS;

  /** Runs `write` and appends the user's access change in one transaction. */
  function withAccessChange(u: { id: string; username: string }, reason: UserAccessReason, write: (tx: Db) => Promise<unknown>) {
    return queries.inTransaction(db, async (tx) => {
      await write(tx);
      const change: AccessChange = { kind: "user", userId: u.id, username: u.username, reason };
      await deps.journal.append(ACCESS_CHANGE_QUEUE, [change], { tx });
    });
  }

  async function mustGet(username: string) {
    const u = await queries.getUserByName(db, String(username ?? "").toLowerCase());
    if (!u) throw new ServiceError("not_found", `no user named ${username}`);
    return u;
  }

  function checkPassword(password: string) {
    const problem = passwordProblem(password, common);
    if (problem) throw new ServiceError("bad_request", problem);
  }

  return {
    async ensureFirstAdmin() {
      if ((await queries.countUsers(db)) > 0) return { created: false as const };
      const password = deps.config.adminPassword || generatePassword();
      const problem = passwordProblem(password, common);
      if (problem) throw new ServiceError("bad_request", `TALON_ADMIN_PASSWORD: ${problem}`);
      try {
        await queries.createUser(db, { id: randomUUID(), username: "admin", passwordHash: await hashPassword(password), role: "administrator" });
      } catch (err) {
        if (err instanceof ConflictError) return { created: false as const };
        throw err;
      }
      await audit.record({ username: "system" }, "user_create", { username: "admin", role: "administrator" });
      return { created: true as const, username: "admin", password };
    },

    async listUsers(actor: Principal) {
      requirePermission(actor, "SERVER_ADMIN");
      return (await queries.listUsers(db)).map(summary);
    },

    async createUser(actor: Principal, p: { username: string; password: string; role: string }) {
      requirePermission(actor, "SERVER_ADMIN");
      const username = String(p.username ?? "").trim().toLowerCase();
      if (!USERNAME.test(username))
        throw new ServiceError("bad_request", "a user name has 2-64 characters: lowercase letters, digits, . _ @ -");
      if (!isRole(p.role)) throw new ServiceError("bad_request", `the role must be one of ${ROLES.join(", ")}`);
      checkPassword(p.password);
      try {
        const u = await queries.createUser(db, { id: randomUUID(), username, passwordHash: await hashPassword(p.password), role: p.role });
        await audit.record(actor, "user_create", { username, role: p.role });
        return summary(u);
      } catch (err) {
        if (err instanceof ConflictError) throw new ServiceError("conflict", err.message);
        throw err;
      }
    },

    async setRole(actor: Principal, username: string, role: string) {
      requirePermission(actor, "SERVER_ADMIN");
      if (!isRole(role)) throw new ServiceError("bad_request", `the role must be one of ${ROLES.join(", ")}`);
      const u = await mustGet(username);
      if (u.id === actor.userId && role !== "administrator")
        throw new ServiceError("bad_request", "you cannot take the administrator role away from yourself");
      await withAccessChange(u, "role", (tx) => queries.updateUser(tx, { username: u.username, role }));
      evictUser(u.id);
      await audit.record(actor, "user_grant", { username: u.username, role, previous: u.role });
    },

    async resetPassword(actor: Principal, username: string, password: string) {
      requirePermission(actor, "SERVER_ADMIN");
      checkPassword(password);
      const u = await mustGet(username);
      const passwordHash = await hashPassword(password);
      await withAccessChange(u, "password", async (tx) => {
        await queries.updateUser(tx, { username: u.username, passwordHash });
        if (u.id !== actor.userId) await queries.deleteSessionsOfUser(tx, u.id);
      });
      evictUser(u.id);
      await audit.record(actor, "Update password", { username: u.username });
    },

    async changeOwnPassword(actor: Principal, oldPassword: string, newPassword: string, currentSessionToken?: string) {
      checkPassword(newPassword);
      const u = await queries.getUserById(db, actor.userId).catch((e) => {
        if (e instanceof NotFoundError) throw new ServiceError("not_found", "your user no longer exists");
        throw e;
      });
      if (!(await verifyPassword(u.passwordHash, String(oldPassword ?? ""))))
        throw new ServiceError("bad_request", "the current password is wrong");
      const passwordHash = await hashPassword(newPassword);
      // Whoever else held a session (a stolen cookie, a forgotten browser) is signed out, in the
      // same transaction as the change and its access event (their sockets close on every
      // process); the session making the change stays, when the change came through one.
      const keep = actor.via === "session" && currentSessionToken ? sha256Hex(currentSessionToken) : undefined;
      let ended = 0;
      await withAccessChange(u, "password", async (tx) => {
        await queries.updateUser(tx, { username: u.username, passwordHash });
        ended = await queries.deleteSessionsOfUser(tx, u.id, keep);
      });
      evictUser(u.id);
      await audit.record(actor, "Update password", { username: u.username, sessionsEnded: ended });
    },

    async setDisabled(actor: Principal, username: string, disabled: boolean) {
      requirePermission(actor, "SERVER_ADMIN");
      const u = await mustGet(username);
      if (u.id === actor.userId) throw new ServiceError("bad_request", "you cannot disable yourself");
      const write = async (tx: Db) => {
        await queries.updateUser(tx, { username: u.username, disabled });
        if (disabled) await queries.deleteSessionsOfUser(tx, u.id);
      };
      // Enabling takes nothing away: no socket to re-check.
      if (disabled) await withAccessChange(u, "disabled", write);
      else await write(db);
      evictUser(u.id);
      await audit.record(actor, disabled ? "user_disable" : "user_enable", { username: u.username });
    },
  };
}
