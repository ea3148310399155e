// Agent authentication and enrolment (for the gateway), the deployment token, and last-seen
// times batched into one UPDATE every few seconds. New clients and their
// Server.Internal.Enrollment events are written in one transaction. A known client's hello must
// carry its stored key; a revoked key is refused, and a client an administrator re-keyed
// re-enrols with a new key and the deployment token (keys.ts sets those states).
import { randomBytes, timingSafeEqual } from "node:crypto";
import { setInterval as every } from "node:timers/promises";
import { queries } from "@/drizzle";
import { createBatcher } from "../batcher";
import { ENROLLMENT_QUEUE, requirePermission, type AgentHelloResult, type AuditService, type Journal, type Principal, type ServiceDeps } from "@/engine/server/contracts";

type HelloRequest = { clientId: string; publicKey: string; derived: boolean; token?: string; agentName: string; agentVersion: string; ip: string };

const TOUCH_FLUSH_MS = 5_000;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function startEnrolment(deps: ServiceDeps & { journal: Pick<Journal, "appendFor">; audit: AuditService }, signal: AbortSignal) {
  const { db } = deps.database;
  let token: Promise<string> | undefined;
  let seen = new Set<string>();

  // Hellos are answered in batches: thousands of agents reconnecting after a restart cost a
  // few statements, not three each.
  const hellos = createBatcher<HelloRequest, AgentHelloResult>(answerHellos, { maxWaitMs: 10, maxItems: 1000 });

  async function answerHellos(batch: HelloRequest[]): Promise<AgentHelloResult[]> {
    const at = deps.clock.now();
    const known = await queries.getClientsForHello(db, [...new Set(batch.map((h) => h.clientId))]);
    const expected = batch.some((h) => known.get(h.clientId)?.keyState !== "active") ? await ensureDeploymentToken() : "";
    const results: AgentHelloResult[] = [];
    const reconnects: HelloRequest[] = [];
    const enrols: HelloRequest[] = [];
    const rekeys: HelloRequest[] = [];
    for (const h of batch) {
      const k = known.get(h.clientId);
      if (k?.keyState === "revoked") results.push({ ok: false, code: "revoked", message: "an administrator revoked this client's key; it connects again once re-keyed on its client page" });
      else if (k?.keyState === "rekey") {
        if (k.publicKey === h.publicKey) results.push({ ok: false, code: "rekey-required", message: "an administrator re-keyed this client: make a new key (talon client --rekey) and connect with the deployment token" });
        else if (!h.token || !sameText(h.token, expected)) results.push({ ok: false, code: "bad-token", message: "re-enrolling a re-keyed client needs the deployment token (talon client --token)" });
        else if (rekeys.some((r) => r.clientId === h.clientId)) results.push({ ok: false, code: "busy", message: "this client is re-enrolling on another connection; try again" });
        else {
          rekeys.push(h);
          results.push({ ok: true, enrolled: false, ackedSeq: k.ackedSeq });
        }
      } else if (k) {
        if (k.publicKey !== h.publicKey) results.push({ ok: false, code: "bad-identity", message: "this client id is enrolled with another key" });
        else {
          reconnects.push(h);
          results.push({ ok: true, enrolled: false, ackedSeq: k.ackedSeq });
        }
      } else if (!h.derived) results.push({ ok: false, code: "bad-identity", message: "the client id does not belong to this public key" });
      else if (!h.token) results.push({ ok: false, code: "bad-token", message: "enrolling a new client needs the deployment token (talon client --token)" });
      else if (!sameText(h.token, expected)) results.push({ ok: false, code: "bad-token", message: "the deployment token is wrong; copy it from the Clients page" });
      else {
        enrols.push(h);
        results.push({ ok: true, enrolled: true, ackedSeq: 0 });
      }
    }
    // A re-key is taken once: another process may have accepted a new key first.
    for (const h of rekeys) {
      const i = batch.indexOf(h);
      if (await queries.acceptClientRekey(db, { clientId: h.clientId, publicKey: h.publicKey, at })) {
        reconnects.push(h);
        await deps.audit.record({ username: "system" }, "ClientRekeyed", { client_id: h.clientId, ip: h.ip });
      } else results[i] = { ok: false, code: "busy", message: "this client was re-keyed by another connection; try again" };
    }
    await queries.updateClientsOnConnect(db, reconnects, at);
    const unique = [...new Map(enrols.map((h) => [h.clientId, h])).values()];
    const created = await queries.inTransaction(db, async (tx) => {
      const made = await queries.createClients(tx, unique.map((h) => ({ clientId: h.clientId, publicKey: h.publicKey, agentName: h.agentName, agentVersion: h.agentVersion, ip: h.ip, at })));
      await deps.journal.appendFor(ENROLLMENT_QUEUE, [...made].map((clientId) => ({ clientId, row: { ClientId: clientId } })), { tx });
      return made;
    });
    // A client enrolled twice in one batch (or by another process first) is enrolled once.
    const announced = new Set<string>();
    batch.forEach((h, i) => {
      const r = results[i]!;
      if (!r.ok || !r.enrolled) return;
      if (!created.has(h.clientId) || announced.has(h.clientId)) {
        results[i] = { ok: true, enrolled: false, ackedSeq: 0 };
        return;
      }
      announced.add(h.clientId);
    });
    return results;
  }

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

    agentHello(p: HelloRequest): Promise<AgentHelloResult> {
      return hellos.add(p);
    },

    touch(clientId: string) {
      seen.add(clientId);
    },
  };
}
