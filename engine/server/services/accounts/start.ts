// Builds the accounts service from its three parts.
import { queries } from "@/drizzle";
import type { AccountsService, AuditService, Bus, Journal, ServiceDeps } from "@/engine/server/contracts";
import type { CommonPasswordList } from "../../auth/password-policy";
import { toPrincipal } from "./principal";
import { startApiKeys } from "./api-keys";
import { startSessions } from "./sessions";
import { startUsers } from "./users";

export interface AccountsDeps extends ServiceDeps {
  audit: AuditService;
  bus: Bus;
  /** Where access changes are recorded (Server.Internal.AccessChange). */
  journal: Pick<Journal, "append">;
  /** Passwords refused as too common (wiring.ts decides which list; none means length rules only). */
  commonPasswords?: CommonPasswordList;
  /** How a throttled sign-in is held (tests record instead of waiting). */
  hold?: (ms: number) => Promise<unknown>;
}

export function startAccounts(deps: AccountsDeps, _signal: AbortSignal): AccountsService {
  const sessions = startSessions(deps);
  const users = startUsers(deps, deps.audit, sessions.evictUser);
  const keys = startApiKeys(deps, deps.audit);
  return {
    ensureFirstAdmin: users.ensureFirstAdmin,
    signIn: sessions.signIn,
    signOut: sessions.signOut,
    resolveSession: sessions.resolveSession,
    resolveApiKey: sessions.resolveApiKey,
    async principalFor(username) {
      const u = await queries.getUserByName(deps.database.db, username);
      return u && !u.disabled ? toPrincipal(u, "system") : undefined;
    },
    listUsers: users.listUsers,
    createUser: users.createUser,
    setRole: users.setRole,
    resetPassword: users.resetPassword,
    changeOwnPassword: users.changeOwnPassword,
    setDisabled: users.setDisabled,
    issueApiKey: keys.issueApiKey,
    listApiKeys: keys.listApiKeys,
    revokeApiKey: keys.revokeApiKey,
  };
}
