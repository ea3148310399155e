// /api/ws/ui: the browser's live channel. A signed-in page subscribes to topics
// ("notebook:N.123", "clients", ...); services publish to topics. Whether a principal may
// subscribe is decided by the authorizer registered for the topic's prefix. A publish reaches
// this process's subscribers at once and every other process's over the cluster bus (in the
// order published), so two users on different processes see the same live page. Slow browsers
// are protected against: a socket whose send buffer passes a limit is dropped, not buffered.
import type { WebSocket } from "ws";
import { z } from "zod";
import type { Bus, Logger, Principal, TopicAuthorizer, UiHub } from "@/engine/server/contracts";

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

export function createUiHub(opts: { log: Logger; version: string; bus: Bus }): UiHub {
  const authorizers = new Map<string, TopicAuthorizer>();
  const topics = new Map<string, Set<WebSocket>>();

  function send(ws: WebSocket, msg: Record<string, unknown>) {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED) {
      opts.log.warn("ui socket too slow; closing it");
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(msg));
  }

  function onConnection(ws: WebSocket, _req: unknown, principal: Principal | undefined) {
    const mine = new Set<string>();
    send(ws, { type: "hello", user: principal?.username, version: opts.version });
    ws.on("message", async (data) => {
      const msg = parse(data);
      if (!msg) return send(ws, { type: "error", message: "malformed message" });
      if (msg.type === "ping") return send(ws, { type: "pong", id: msg.id });
      if (msg.type === "unsubscribe") {
        topics.get(msg.topic)?.delete(ws);
        mine.delete(msg.topic);
        return;
      }
      const check = authorizers.get(msg.topic.split(":")[0]!);
      const allowed = check && principal ? await Promise.resolve(check(principal, msg.topic)).catch(() => false) : false;
      if (!allowed) return send(ws, { type: "error", topic: msg.topic, message: "no access to this topic" });
      let set = topics.get(msg.topic);
      if (!set) topics.set(msg.topic, (set = new Set()));
      set.add(ws);
      mine.add(msg.topic);
      send(ws, { type: "subscribed", topic: msg.topic });
    });
    ws.on("close", () => {
      for (const t of mine) {
        const set = topics.get(t);
        set?.delete(ws);
        if (set?.size === 0) topics.delete(t);
      }
    });
    ws.on("error", () => {});
  }

  function publishLocal(topic: string, message: Record<string, unknown>) {
    const set = topics.get(topic);
    if (!set) return;
    const payload = { ...message, topic };
    for (const ws of set) send(ws, payload);
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
  };
}
