// /api/ws/ui: the browser's live channel. A signed-in page subscribes to topics
// ("notebook:N.123", "clients", ...); services publish to topics. Whether a principal may
// subscribe is decided by the authorizer registered for the topic's prefix. Slow browsers are
// protected against: a socket whose send buffer passes a limit is dropped, not buffered forever.
import type { WebSocket } from "ws";
import type { Logger, Principal } from "../services/types";
import type { WsRoute } from "./router";

export type TopicAuthorizer = (principal: Principal, topic: string) => Promise<boolean> | boolean;

export interface UiHub {
  route: WsRoute;
  /** Registers who may subscribe to topics starting with `prefix:`. */
  authorize(prefix: string, check: TopicAuthorizer): void;
  publish(topic: string, message: Record<string, unknown>): void;
  /** Number of sockets subscribed to a topic (tests, presence). */
  subscribers(topic: string): number;
}

const MAX_BUFFERED = 8 * 1024 * 1024;

type ClientMessage = { type: "subscribe" | "unsubscribe"; topic: string } | { type: "ping"; id?: unknown };

function parse(data: unknown): ClientMessage | undefined {
  try {
    const m = JSON.parse(String(data));
    if (m && (m.type === "subscribe" || m.type === "unsubscribe") && typeof m.topic === "string" && m.topic.length < 200) return m;
    if (m && m.type === "ping") return m;
  } catch {
    // fall through
  }
  return undefined;
}

export function createUiHub(opts: { log: Logger; version: string }): UiHub {
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

  return {
    route: { path: "/api/ws/ui", auth: "browser", maxPayload: 64 * 1024, onConnection },
    authorize(prefix, check) {
      authorizers.set(prefix, check);
    },
    publish(topic, message) {
      const set = topics.get(topic);
      if (!set) return;
      const payload = { ...message, topic };
      for (const ws of set) send(ws, payload);
    },
    subscribers(topic) {
      return topics.get(topic)?.size ?? 0;
    },
  };
}
