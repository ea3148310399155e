// The secrets service: administrators manage named, typed secrets; builtins resolve them for a
// principal who may use them (SERVER_ADMIN, or a user it is shared with). Audit entries carry
// the name, type, field names and users; values reach only resolve()'s caller.
import { ConflictError, NotFoundError, queries } from "@/drizzle";
import {
  requirePermission,
  ServiceError,
  type AuditService,
  type Principal,
  type SecretSummary,
  type SecretsService,
  type ServiceDeps,
} from "@/engine/server/contracts";
import { checkName, checkType, checkUsers, checkValues } from "./validate";

export interface SecretsDeps extends ServiceDeps {
  audit: AuditService;
}

/** Storage errors as the service's refusals (same messages: they name the secret only). */
async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NotFoundError) throw new ServiceError("not_found", err.message);
    if (err instanceof ConflictError) throw new ServiceError("conflict", err.message);
    throw err;
  }
}

export function startSecrets(deps: SecretsDeps): SecretsService {
  const { db } = deps.database;
  const summary = (name: string): Promise<SecretSummary> => mapped(() => queries.getSecretSummary(db, name));

  function sameType(name: string, actual: string, expected: string | undefined) {
    if (expected !== undefined && expected !== "" && expected !== actual) throw new ServiceError("bad_request", `secret ${name} is of type ${actual}, not ${expected}`);
  }

  return {
    async list(actor) {
      requirePermission(actor, "SERVER_ADMIN");
      return queries.listSecrets(db);
    },

    async add(actor, p) {
      requirePermission(actor, "SERVER_ADMIN");
      const name = checkName(p.name);
      const type = checkType(p.type);
      const data = checkValues(type, p.values);
      await mapped(() => queries.createSecret(db, { name, type, data, users: [], principal: actor.username, at: deps.clock.now() }));
      await deps.audit.record(actor, "secret_add", { name, type, fields: Object.keys(data).sort() });
      return summary(name);
    },

    async modify(actor, name, change) {
      requirePermission(actor, "SERVER_ADMIN");
      const current = await summary(checkName(name));
      sameType(name, current.type, change.type);
      const add = checkUsers(change.addUsers ?? []);
      const remove = checkUsers(change.removeUsers ?? []);
      const users = [...current.users.filter((u) => !remove.includes(u)), ...add.filter((u) => !current.users.includes(u) && !remove.includes(u))];
      const data = change.values === undefined ? undefined : checkValues(checkType(current.type), change.values);
      await mapped(() => queries.updateSecret(db, { name, users, data, principal: actor.username, at: deps.clock.now() }));
      const details: Record<string, unknown> = { name, type: current.type };
      if (add.length) details.addUsers = add;
      if (remove.length) details.removeUsers = remove;
      if (data) details.fields = Object.keys(data).sort();
      await deps.audit.record(actor, "secret_modify", details);
      return summary(name);
    },

    async remove(actor, name, type) {
      requirePermission(actor, "SERVER_ADMIN");
      const current = await summary(checkName(name));
      sameType(name, current.type, type);
      await mapped(() => queries.deleteSecret(db, name));
      await deps.audit.record(actor, "secret_delete", { name, type: current.type });
    },

    async resolve(actor: Principal, name, type) {
      const s = await mapped(() => queries.getSecretValues(db, String(name)));
      if (!actor.permissions.has("SERVER_ADMIN") && !s.users.includes(actor.username.toLowerCase())) {
        throw new ServiceError("forbidden", `secret ${name} is not shared with ${actor.username}`);
      }
      sameType(name, s.type, type);
      return { name, type: s.type, values: Object.freeze({ ...s.data }) };
    },
  };
}
