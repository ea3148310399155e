// The accounts service's contract: users, passwords, sessions and API keys. Changes that can
// take access away from open sockets (role, disable, password, sign-out, API key revocation)
// are also events on Server.Internal.AccessChange (contracts/access.ts).
import type { Principal } from "./common";

export interface UserSummary {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  createdAt: Date;
}

/** Users, passwords, sessions and API keys. Actor-taking methods check the actor's permission. */
export interface AccountsService {
  /** Creates `admin` with a random (or configured) password when no user exists. */
  ensureFirstAdmin(): Promise<{ created: false } | { created: true; username: string; password: string }>;
  /** A session token for valid credentials, or a reason (never says which part was wrong). */
  signIn(username: string, password: string, meta: { userAgent: string; ip: string }): Promise<
    { ok: true; token: string; principal: Principal; expiresAt: Date } | { ok: false; reason: string }
  >;
  signOut(token: string): Promise<void>;
  /** The session's principal (cached for a second; `fresh` reads the database). */
  resolveSession(token: string, opts?: { fresh?: boolean }): Promise<Principal | undefined>;
  resolveApiKey(key: string): Promise<Principal | undefined>;
  /**
   * The user as a principal for work the server runs on their behalf (their event table
   * queries); undefined when the user is gone or disabled. Checks nothing: callers decide.
   */
  principalFor(username: string): Promise<Principal | undefined>;
  listUsers(actor: Principal): Promise<UserSummary[]>;
  createUser(actor: Principal, p: { username: string; password: string; role: string }): Promise<UserSummary>;
  setRole(actor: Principal, username: string, role: string): Promise<void>;
  resetPassword(actor: Principal, username: string, password: string): Promise<void>;
  changeOwnPassword(actor: Principal, oldPassword: string, newPassword: string): Promise<void>;
  setDisabled(actor: Principal, username: string, disabled: boolean): Promise<void>;
  issueApiKey(actor: Principal, username: string, name: string): Promise<{ id: string; key: string }>;
  listApiKeys(actor: Principal): Promise<Array<{ id: string; username: string; name: string; createdAt: Date; lastUsedAt: Date | null; revoked: boolean }>>;
  revokeApiKey(actor: Principal, id: string): Promise<void>;
}
