// /api/ws/ui: the browser's live channel. A signed-in page subscribes to topics
// ("notebook:N.123", "clients", ...); services publish to topics. Whether a principal may
// subscribe is decided by the authorizer registered for the topic's prefix. A publish reaches
// this process's subscribers at once and every other process's over the cluster bus (in the
// order published), so two users on different processes see the same live page. Slow browsers
// are protected against: a socket whose send buffer passes a limit is dropped, not buffered.
// Access is not decided once: each subscribe re-resolves the socket's session, and an access
// change (ws/access-changes.ts) re-checks the sockets it concerns: a socket whose session ended
// is closed (4401), a subscription no longer allowed is dropped and the browser told.
import type { IncomingMessage } from "node:http";
import type { WebSocket } from "ws";
import { z } from "zod";
import { SESSION_ENDED_CLOSE_CODE, type Bus, type Logger, type Principal, type Reauthenticate, type TopicAuthorizer, type UiHub } from "@/engine/server/contracts";

export type { TopicAuthorizer, UiHub };

const MAX_BUFFERED = 8 * 1024 * 1024;

/** What a browser may send on /api/ws/ui, checked with zod at the socket edge. */
const ClientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("subscribe"), topic: z.string().min(1).max(200) }),
  z.object({ type: z.literal("unsubscribe"), topic: z.string().min(1).max(200) }),
  z.object({ type: z.literal("ping"), id: z.unknown().optional() }),
]);
type ClientMessage = z.infer<typeof ClientMessageSchema>;

function parse(data: unknown): ClientMessage | undefined {
  try {
    const r = ClientMessageSchema.safeParse(JSON.parse(String(data)));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** One open socket: who it is now, what it holds, and its messages handled one after another. */
interface Sock {
  ws: WebSocket;
  req: Pick<IncomingMessage, "headers">;
  principal: Principal | undefined;
  topics: Set<string>;
  closed: boolean;
  queue: Promise<void>;
}

const samePrincipal = (a: Principal | undefined, b: Principal) => a?.userId === b.userId && a.username === b.username && a.role === b.role && a.via === b.via;

export function createUiHub(opts: { log: Logger; version: string; bus: Bus; reauthenticate?: Reauthenticate }): UiHub {
  const authorizers = new Map<string, TopicAuthorizer>();
  const topics = new Map<string, Set<Sock>>();
  const sockets = new Set<Sock>();
  // Bumped by every re-check: an authorizer answer that began before one is asked again.
  let epoch = 0;

  function send(ws: WebSocket, msg: Record<string, unknown>) {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED) {
      opts.log.warn("ui socket too slow; closing it");
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(msg));
  }

  function drop(s: Sock, topic: string) {
    s.topics.delete(topic);
    const set = topics.get(topic);
    set?.delete(s);
    if (set?.size === 0) topics.delete(topic);
  }

  function end(s: Sock, code: number, reason: string) {
    if (s.closed) return;
    s.closed = true;
    sockets.delete(s);
    for (const t of [...s.topics]) drop(s, t);
    s.ws.close(code, reason.slice(0, 120));
  }

  /** Whether the socket's principal may hold the topic, asked again until no re-check overlapped. */
  async function allowed(s: Sock, topic: string): Promise<boolean> {
    for (;;) {
      const seen = epoch;
      const p = s.principal;
      const check = authorizers.get(topic.split(":")[0]!);
      const ok = check && p ? await Promise.resolve(check(p, topic)).catch(() => false) : false;
      if (s.closed) return false;
      if (seen === epoch && p === s.principal) return ok;
    }
  }

  /** The socket's principal from its session now; closes the socket when that session is gone. */
  async function refresh(s: Sock, o: { fresh: boolean; reason: string }): Promise<boolean> {
    if (!opts.reauthenticate) return !s.closed;
    let p: Principal | undefined;
    try {
      p = await opts.reauthenticate(s.req, { fresh: o.fresh });
    } catch (err) {
      opts.log.warn("could not re-check a ui socket's session; closing it", { error: (err as Error).message });
      end(s, 1011, "could not re-check access");
      return false;
    }
    if (s.closed) return false;
    if (!p) {
      end(s, SESSION_ENDED_CLOSE_CODE, o.reason);
      return false;
    }
    if (!samePrincipal(s.principal, p)) s.principal = p;
    return true;
  }

  async function subscribe(s: Sock, topic: string) {
    // A signed-out or disabled session subscribes to nothing, even before its access change arrives.
    if (!(await refresh(s, { fresh: false, reason: "session ended" }))) return;
    if (!(await allowed(s, topic))) return send(s.ws, { type: "error", topic, message: "no access to this topic" });
    let set = topics.get(topic);
    if (!set) topics.set(topic, (set = new Set()));
    set.add(s);
    s.topics.add(topic);
    send(s.ws, { type: "subscribed", topic });
  }

  async function recheckTopicOf(s: Sock, topic: string) {
    if (!s.topics.has(topic) || (await allowed(s, topic)) || s.closed || !s.topics.has(topic)) return;
    drop(s, topic);
    send(s.ws, { type: "unsubscribed", topic, message: "no access to this topic any more" });
  }

  function onConnection(ws: WebSocket, req: IncomingMessage, principal: Principal | undefined) {
    const s: Sock = { ws, req: { headers: req?.headers ?? {} }, principal, topics: new Set(), closed: false, queue: Promise.resolve() };
    sockets.add(s);
    send(ws, { type: "hello", user: principal?.username, version: opts.version });
    ws.on("message", (data) => {
      const msg = parse(data);
      if (!msg) return send(ws, { type: "error", message: "malformed message" });
      if (msg.type === "ping") return send(ws, { type: "pong", id: msg.id });
      // In order: an unsubscribe sent after a subscribe is handled after it.
      s.queue = s.queue.then(async () => {
        if (s.closed) return;
        if (msg.type === "unsubscribe") drop(s, msg.topic);
        else await subscribe(s, msg.topic);
      }).catch((err) => opts.log.warn("ui socket message failed", { error: (err as Error).message }));
    });
    ws.on("close", () => {
      s.closed = true;
      sockets.delete(s);
      for (const t of [...s.topics]) drop(s, t);
    });
    ws.on("error", () => {});
  }

  function publishLocal(topic: string, message: Record<string, unknown>) {
    const set = topics.get(topic);
    if (!set) return;
    const payload = { ...message, topic };
    for (const s of set) send(s.ws, payload);
  }
  opts.bus.on("ui", (p) => {
    const m = p as { topic?: unknown; message?: unknown };
    if (typeof m?.topic === "string" && m.message && typeof m.message === "object") publishLocal(m.topic, m.message as Record<string, unknown>);
  });

  return {
    route: { path: "/api/ws/ui", auth: "browser", maxPayload: 64 * 1024, onConnection },
    authorize(prefix, check) {
      authorizers.set(prefix, check);
    },
    publish(topic, message) {
      publishLocal(topic, message);
      opts.bus.broadcast("ui", { topic, message });
    },
    publishLocal,
    subscribers(topic) {
      return topics.get(topic)?.size ?? 0;
    },
    async recheckUser(userId, reason) {
      epoch++;
      const mine = [...sockets].filter((s) => s.principal?.userId === userId);
      await Promise.all(
        mine.map(async (s) => {
          if (await refresh(s, { fresh: true, reason })) await Promise.all([...s.topics].map((t) => recheckTopicOf(s, t)));
        }),
      );
    },
    async recheckTopic(topic) {
      epoch++;
      await Promise.all([...(topics.get(topic) ?? [])].map((s) => recheckTopicOf(s, topic)));
    },
  };
}
