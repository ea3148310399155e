// Sign-in, sign-out and resolving session cookies and API keys to principals.
// Session ids at rest are sha256 digests of the cookie token. Resolved sessions are cached for
// one second so a page's many requests cost one lookup; sign-out and user changes evict the
// entry here and, over the cluster bus, on every other process (the short lifetime bounds
// what a lost bus message can leave behind: a signed-out session is refused everywhere within
// a second). A sign-out is also an access change (Server.Internal.AccessChange, in the same
// transaction), so every process closes that session's open sockets.
import { setTimeout as sleep } from "node:timers/promises";
import { queries } from "@/drizzle";
import { hashPassword, randomToken, safeEqualHex, sha256Hex, verifyPassword } from "../../auth/secrets";
import { ACCESS_CHANGE_QUEUE, type AccessChange, type AuditService, type Bus, type Journal, type Principal, type ServiceDeps, type SignInMeta } from "@/engine/server/contracts";
import { toPrincipal } from "./principal";
import { SignInThrottle, signInKeys } from "./throttle";

const CACHE_MS = 1_000;
const TOUCH_EVERY_MS = 60_000;
/** A refused (throttled) attempt is audited at most once a minute per name and address. */
const THROTTLE_AUDIT_MS = 60_000;

export interface SessionsDeps extends ServiceDeps {
  audit: AuditService;
  bus: Bus;
  journal: Pick<Journal, "append">;
  /** How a throttled attempt is held (tests record instead of waiting). */
  hold?: (ms: number) => Promise<unknown>;
}

/** Where an attempt came from, for the audit log: the real address, and what a trusted proxy said. */
function origin(meta: SignInMeta): Record<string, string> {
  const o: Record<string, string> = { ip: meta.ip };
  if (meta.peer && meta.peer !== meta.ip) o.peer = meta.peer;
  if (meta.forwardedFor) o.forwardedFor = meta.forwardedFor;
  return o;
}

export function startSessions(deps: SessionsDeps) {
  const { db } = deps.database;
  const { audit, bus } = deps;
  const now = () => deps.clock.now();
  const throttle = new SignInThrottle(db, () => now().getTime());
  const hold = deps.hold ?? ((ms: number) => sleep(ms));
  const throttleAudited = new Map<string, number>();
  const cache = new Map<string, { principal: Principal; until: number }>();
  // A real hash, so an unknown user name costs the same time as a wrong password.
  let dummyHash: Promise<string> | undefined;

  // Bumped after every change that can end or alter a session (sign-out, disable, role
  // change), once the database already reflects it. A lookup that overlapped such a change
  // may have read the old state, so it is repeated instead of cached.
  let generation = 0;

  function evictLocal(p: { userId?: string; sessionId?: string }) {
    generation++;
    if (p.sessionId) cache.delete(p.sessionId);
    if (p.userId) for (const [k, v] of cache) if (v.principal.userId === p.userId) cache.delete(k);
  }
  bus.on("sessions-evict", (m) => evictLocal(m as { userId?: string; sessionId?: string }));

  /** After a change that ends or alters sessions: here at once, elsewhere over the bus. */
  function evict(p: { userId?: string; sessionId?: string }) {
    evictLocal(p);
    bus.broadcast("sessions-evict", p);
  }

  function evictUser(userId: string) {
    evict({ userId });
  }

  // Attempts from one address run one at a time in this process, so a burst sent in parallel
  // meets the failures of the attempts before it instead of all passing the same check.
  const attempts = new Map<string, Promise<unknown>>();
  function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = attempts.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => {});
    attempts.set(key, tail);
    void tail.then(() => {
      if (attempts.get(key) === tail) attempts.delete(key);
    });
    return run;
  }

  function signIn(username: string, password: string, meta: SignInMeta) {
    const name = String(username ?? "").trim().toLowerCase().slice(0, 100);
    const keys = signInKeys(name, meta.ip);
    return oneAtATime(keys.address, () => attempt(name, keys, password, meta));
  }

  async function attempt(name: string, keys: ReturnType<typeof signInKeys>, password: string, meta: SignInMeta) {
    const decision = await throttle.check(keys);
    if (decision.retryAfterMs !== undefined) {
      const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      const t = now().getTime();
      if ((throttleAudited.get(keys.pair) ?? 0) + THROTTLE_AUDIT_MS <= t) {
        if (throttleAudited.size > 10_000) throttleAudited.clear();
        throttleAudited.set(keys.pair, t);
        await audit.record({ username: name || "(empty)" }, "LoginThrottled", { ...origin(meta), retryAfterSeconds });
      }
      return { ok: false as const, reason: `too many failed attempts; try again in ${retryAfterSeconds} s`, retryAfterSeconds };
    }
    if (decision.holdMs > 0) await hold(decision.holdMs);
    const user = name ? await queries.getUserByName(db, name) : undefined;
    dummyHash ??= hashPassword(randomToken());
    const valid = await verifyPassword(user?.passwordHash ?? (await dummyHash), String(password ?? ""));
    if (!user || !valid || user.disabled) {
      await throttle.fail(keys);
      await audit.record({ username: name || "(empty)" }, "LoginFailed", {
        ...origin(meta),
        reason: user?.disabled && valid ? "disabled" : "bad credentials",
      });
      return { ok: false as const, reason: "wrong user name or password" };
    }
    await throttle.succeed(keys);
    const token = randomToken();
    const expiresAt = new Date(now().getTime() + deps.config.sessionIdleMs);
    await queries.createSession(db, {
      id: sha256Hex(token),
      userId: user.id,
      expiresAt,
      userAgent: meta.userAgent.slice(0, 300),
    });
    await audit.record(user, "Login", origin(meta));
    return { ok: true as const, token, principal: toPrincipal(user, "session"), expiresAt };
  }

  async function resolveSession(token: string, opts: { fresh?: boolean } = {}): Promise<Principal | undefined> {
    if (!token || token.length > 200) return undefined;
    const id = sha256Hex(token);
    const hit = cache.get(id);
    if (hit && hit.until > now().getTime() && !opts.fresh) return hit.principal;
    for (;;) {
      const seen = generation;
      const principal = await lookupSession(id);
      if (seen !== generation) continue;
      if (principal) cache.set(id, { principal, until: now().getTime() + CACHE_MS });
      else cache.delete(id);
      return principal;
    }
  }

  async function lookupSession(id: string): Promise<Principal | undefined> {
    const t = now().getTime();
    const s = await queries.getSessionWithUser(db, id, now());
    if (!s || s.user.disabled) return undefined;
    if (t - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      // Sliding expiry, bounded by the hard maximum counted from the session's creation.
      const until = Math.min(t + deps.config.sessionIdleMs, s.createdAt.getTime() + deps.config.sessionMaxMs);
      await queries.touchSession(db, { sessionId: id, lastSeenAt: now(), expiresAt: new Date(until) });
    }
    return toPrincipal(s.user, "session");
  }

  async function signOut(token: string) {
    const id = sha256Hex(token);
    const principal = cache.get(id)?.principal ?? (await lookupSession(id));
    await queries.inTransaction(db, async (tx) => {
      await queries.deleteSession(tx, id);
      if (principal) {
        const change: AccessChange = { kind: "user", userId: principal.userId, username: principal.username, reason: "sign-out" };
        await deps.journal.append(ACCESS_CHANGE_QUEUE, [change], { tx });
      }
    });
    evict({ sessionId: id });
    if (principal) await audit.record(principal, "LogOff", {});
  }

  async function resolveApiKey(key: string): Promise<Principal | undefined> {
    // Key format: tk_<id>_<secret>
    const m = /^tk_([a-f0-9]{16})_([A-Za-z0-9_-]{20,100})$/.exec(key ?? "");
    if (!m) return undefined;
    const found = await queries.getApiKeyWithUser(db, m[1]!);
    if (!found || found.key.revoked || found.user.disabled) return undefined;
    if (!safeEqualHex(found.key.secretHash, sha256Hex(m[2]!))) return undefined;
    await queries.markApiKeyUsed(db, found.key.id, now());
    return toPrincipal(found.user, "api-key");
  }

  return { signIn, signOut, resolveSession, resolveApiKey, evictUser };
}
