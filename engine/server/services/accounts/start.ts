// Builds the accounts service from its three parts.
import type { AccountsService, AuditService, ServiceDeps } from "../types";
import { startApiKeys } from "./api-keys";
import { startSessions } from "./sessions";
import { startUsers } from "./users";

export function startAccounts(deps: ServiceDeps, audit: AuditService): AccountsService {
  const sessions = startSessions(deps, audit);
  const users = startUsers(deps, audit, sessions.evictUser);
  const keys = startApiKeys(deps, audit);
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
