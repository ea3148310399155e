// Agent authentication and enrolment (for the gateway), the deployment token, and last-seen
// times batched into one UPDATE every few seconds.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { setInterval as every } from "node:timers/promises";
import { queries } from "../../../../drizzle";
import { requirePermission, type AgentHelloResult, type Principal, type ServiceDeps } from "../types";

const TOUCH_FLUSH_MS = 5_000;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function startEnrolment(deps: ServiceDeps, signal: AbortSignal) {
  const { db } = deps.database;
  const listeners = new Set<(clientId: string) => void>();
  let token: Promise<string> | undefined;
  let seen = new Set<string>();

  function ensureDeploymentToken(): Promise<string> {
    token ??= (async () => (await queries.getActiveDeploymentToken(db)) ?? (await queries.createDeploymentToken(db, `dt_${randomBytes(24).toString("base64url")}`)))();
    token.catch(() => (token = undefined));
    return token;
  }

  async function flushTouches() {
    if (!seen.size) return;
    const ids = [...seen];
    seen = new Set();
    await queries.touchClients(db, ids, deps.clock.now()).catch((err) => deps.log.warn("could not update last-seen times", { error: (err as Error).message }));
  }

  (async () => {
    try {
      for await (const _ of every(TOUCH_FLUSH_MS, undefined, { signal })) await flushTouches();
    } catch {
      // aborted: the engine is closing
    }
  })();

  return {
    ensureDeploymentToken,
    flushTouches,

    async deploymentToken(actor: Principal) {
      requirePermission(actor, "SERVER_ADMIN");
      return ensureDeploymentToken();
    },

    async agentHello(p: { clientId: string; publicKey: string; token?: string; agentName: string; agentVersion: string; ip: string }): Promise<AgentHelloResult> {
      const at = deps.clock.now();
      const existing = await queries.getClient(db, p.clientId);
      if (existing) {
        if (existing.publicKey !== p.publicKey) return { ok: false, code: "bad-identity", message: "this client id is enrolled with another key" };
        await queries.updateClientOnConnect(db, { clientId: p.clientId, agentName: p.agentName, agentVersion: p.agentVersion, ip: p.ip, at });
        return { ok: true, enrolled: false, ackedSeq: existing.ackedSeq };
      }
      const expected = await ensureDeploymentToken();
      if (!p.token) return { ok: false, code: "bad-token", message: "enrolling a new client needs the deployment token (talon client --token)" };
      if (!sameText(p.token, expected)) return { ok: false, code: "bad-token", message: "the deployment token is wrong; copy it from the Clients page" };
      const created = await queries.createClient(db, { clientId: p.clientId, publicKey: p.publicKey, agentName: p.agentName, agentVersion: p.agentVersion, ip: p.ip, at });
      if (created) {
        for (const l of listeners) {
          try {
            l(p.clientId);
          } catch (err) {
            deps.log.error("enrolment listener failed", { error: (err as Error).message });
          }
        }
      }
      return { ok: true, enrolled: created, ackedSeq: 0 };
    },

    touch(clientId: string) {
      seen.add(clientId);
    },

    onEnrolled(listener: (clientId: string) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
