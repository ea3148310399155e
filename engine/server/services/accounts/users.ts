// User management: the first administrator, creating users, roles, passwords, disabling.
import { randomUUID } from "node:crypto";
import { ConflictError, NotFoundError, queries } from "@/drizzle";
import { isRole, ROLES } from "../../auth/roles";
import { generatePassword, hashPassword, sha256Hex, verifyPassword } from "../../auth/secrets";
import { NO_COMMON_PASSWORDS, passwordProblem, type CommonPasswordList } from "../../auth/password-policy";
import { requirePermission, ServiceError, type AuditService, type Principal, type ServiceDeps, type UserSummary } from "@/engine/server/contracts";

const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

function summary(u: { id: string; username: string; role: string; disabled: boolean; createdAt: Date }): UserSummary {
  return { id: u.id, username: u.username, role: u.role, disabled: u.disabled, createdAt: u.createdAt };
}

export function startUsers(deps: ServiceDeps & { commonPasswords?: CommonPasswordList }, audit: AuditService, evictUser: (userId: string) => void) {
  const { db } = deps.database;
  const common = deps.commonPasswords ?? NO_COMMON_PASSWORDS;

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
      await queries.updateUser(db, { username: u.username, role });
      evictUser(u.id);
      await audit.record(actor, "user_grant", { username: u.username, role, previous: u.role });
    },

    async resetPassword(actor: Principal, username: string, password: string) {
      requirePermission(actor, "SERVER_ADMIN");
      checkPassword(password);
      const u = await mustGet(username);
      await queries.updateUser(db, { username: u.username, passwordHash: await hashPassword(password) });
      if (u.id !== actor.userId) await queries.deleteSessionsOfUser(db, u.id);
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
      await queries.updateUser(db, { username: u.username, passwordHash: await hashPassword(newPassword) });
      // Whoever else held a session (a stolen cookie, a forgotten browser) is signed out; the
      // session making the change stays, when the change came through one.
      const keep = actor.via === "session" && currentSessionToken ? sha256Hex(currentSessionToken) : undefined;
      const ended = await queries.deleteSessionsOfUser(db, u.id, keep);
      evictUser(u.id);
      await audit.record(actor, "Update password", { username: u.username, sessionsEnded: ended });
    },

    async setDisabled(actor: Principal, username: string, disabled: boolean) {
      requirePermission(actor, "SERVER_ADMIN");
      const u = await mustGet(username);
      if (u.id === actor.userId) throw new ServiceError("bad_request", "you cannot disable yourself");
      await queries.updateUser(db, { username: u.username, disabled });
      if (disabled) await queries.deleteSessionsOfUser(db, u.id);
      evictUser(u.id);
      await audit.record(actor, disabled ? "user_disable" : "user_enable", { username: u.username });
    },
  };
}
