"use client";
// The browser end of /api/ws/ui: one socket per page, topic subscriptions with handlers,
// re-subscription after a reconnect (with back-off), and a "reconnected" signal so views can
// reload what they may have missed while offline.
type Handler = (message: Record<string, unknown>) => void;

interface Sub {
  handlers: Set<Handler>;
  onReconnect: Set<() => void>;
}

const subs = new Map<string, Sub>();
let ws: WebSocket | undefined;
let open = false;
let attempt = 0;
let everOpened = false;
let timer: ReturnType<typeof setTimeout> | undefined;

function send(msg: unknown) {
  if (ws && open) ws.send(JSON.stringify(msg));
}

function connect() {
  if (typeof window === "undefined" || ws) return;
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/ws/ui`;
  const sock = new WebSocket(url);
  ws = sock;
  sock.onopen = () => {
    open = true;
    attempt = 0;
    const again = everOpened;
    everOpened = true;
    for (const topic of subs.keys()) send({ type: "subscribe", topic });
    if (again) for (const s of subs.values()) for (const f of s.onReconnect) f();
  };
  sock.onmessage = (e) => {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(String(e.data));
    } catch {
      return;
    }
    const topic = typeof m.topic === "string" ? m.topic : undefined;
    if (!topic) return;
    const s = subs.get(topic);
    if (s) for (const h of s.handlers) h(m);
  };
  sock.onclose = () => {
    ws = undefined;
    open = false;
    if (!subs.size) return;
    const delay = Math.min(10_000, 250 * 2 ** attempt++);
    timer = setTimeout(() => {
      timer = undefined;
      connect();
    }, delay);
  };
}

/** Subscribes to a topic; returns the unsubscribe function. */
export function subscribe(topic: string, handler: Handler, onReconnect?: () => void): () => void {
  let s = subs.get(topic);
  const fresh = !s;
  if (!s) subs.set(topic, (s = { handlers: new Set(), onReconnect: new Set() }));
  s.handlers.add(handler);
  if (onReconnect) s.onReconnect.add(onReconnect);
  if (!ws && !timer) connect();
  else if (fresh) send({ type: "subscribe", topic });
  return () => {
    const cur = subs.get(topic);
    if (!cur) return;
    cur.handlers.delete(handler);
    if (onReconnect) cur.onReconnect.delete(onReconnect);
    if (!cur.handlers.size) {
      subs.delete(topic);
      send({ type: "unsubscribe", topic });
    }
  };
}
