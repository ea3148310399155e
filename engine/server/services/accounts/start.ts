// Builds the accounts service from its three parts.
import type { AccountsService, AuditService, Bus, ServiceDeps } from "@/engine/server/contracts";
import { startApiKeys } from "./api-keys";
import { startSessions } from "./sessions";
import { startUsers } from "./users";

export interface AccountsDeps extends ServiceDeps {
  audit: AuditService;
  bus: Bus;
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
