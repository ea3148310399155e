// API keys for scripts: issued by an administrator to a user (usually one with the api role),
// shown once, stored as a digest, revocable (an access change: sockets opened with the key close).
import { randomBytes } from "node:crypto";
import { queries } from "@/drizzle";
import { randomToken, sha256Hex } from "../../auth/secrets";
import { ACCESS_CHANGE_QUEUE, requirePermission, ServiceError, type AccessChange, type AuditService, type Journal, type Principal, type ServiceDeps } from "@/engine/server/contracts";

export function startApiKeys(deps: ServiceDeps & { journal: Pick<Journal, "append"> }, audit: AuditService) {
  const { db } = deps.database;
  return {
    async issueApiKey(actor: Principal, username: string, name: string) {
      requirePermission(actor, "SERVER_ADMIN");
      const user = await queries.getUserByName(db, String(username ?? "").toLowerCase());
      if (!user) throw new ServiceError("not_found", `no user named ${username}`);
      const label = String(name ?? "").trim().slice(0, 100) || "api key";
      const id = randomBytes(8).toString("hex");
      const secret = randomToken(24);
      await queries.createApiKey(db, { id, secretHash: sha256Hex(secret), userId: user.id, name: label, createdBy: actor.username });
      await audit.record(actor, "api_key_issue", { id, username: user.username, name: label });
      return { id, key: `tk_${id}_${secret}` };
    },
    async listApiKeys(actor: Principal) {
      requirePermission(actor, "SERVER_ADMIN");
      return (await queries.listApiKeys(db)).map((k) => ({
        id: k.id,
        username: k.username,
        name: k.name,
        createdAt: k.createdAt,
        lastUsedAt: k.lastUsedAt,
        revoked: k.revoked,
      }));
    },
    async revokeApiKey(actor: Principal, id: string) {
      requirePermission(actor, "SERVER_ADMIN");
      const found = await queries.getApiKeyWithUser(db, String(id));
      if (!found) throw new ServiceError("not_found", `no API key ${id}`);
      await queries.inTransaction(db, async (tx) => {
        await queries.revokeApiKey(tx, found.key.id);
        const change: AccessChange = { kind: "user", userId: found.user.id, username: found.user.username, reason: "api-key" };
        await deps.journal.append(ACCESS_CHANGE_QUEUE, [change], { tx });
      });
      await audit.record(actor, "api_key_revoke", { id });
    },
  };
}
