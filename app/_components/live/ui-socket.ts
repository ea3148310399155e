"use client";
// The browser end of /api/ws/ui: one socket per page, topic subscriptions with handlers,
// re-subscription after a reconnect (with back-off), a "reconnected" signal so views can
// reload what they may have missed while offline, and per-topic status (live once the server
// confirmed the subscription, down when the socket closes or the server refused it) so views
// can fall back to polling only while they are not live. A subscription the server takes away
// (access changed: {type: "unsubscribed"}) is down; a socket closed because the session ended
// (close code 4401: signed out, disabled, password changed) sends the page to the sign-in page
// instead of reconnecting.
type Handler = (message: Record<string, unknown>) => void;

/** The server's close code for a socket whose session ended (engine/server/contracts/access.ts). */
const SESSION_ENDED = 4401;
type StatusListener = (live: boolean) => void;

interface Sub {
  handlers: Set<Handler>;
  onReconnect: Set<() => void>;
  onStatus: Set<StatusListener>;
  live: boolean;
}

function setLive(s: Sub, live: boolean) {
  if (s.live === live) return;
  s.live = live;
  for (const f of s.onStatus) f(live);
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
    if (!s) return;
    if (m.type === "subscribed") setLive(s, true);
    else if (m.type === "error" || m.type === "unsubscribed") setLive(s, false);
    for (const h of s.handlers) h(m);
  };
  sock.onclose = (e?: { code?: number }) => {
    ws = undefined;
    open = false;
    for (const s of subs.values()) setLive(s, false);
    if (e?.code === SESSION_ENDED) {
      location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
      return;
    }
    if (!subs.size) return;
    const delay = Math.min(10_000, 250 * 2 ** attempt++);
    timer = setTimeout(() => {
      timer = undefined;
      connect();
    }, delay);
  };
}

/**
 * Subscribes to a topic; returns the unsubscribe function. `onStatus` hears whether the topic is
 * live (true once the server confirmed it, at once when it already is; false when the socket
 * drops or the server refuses).
 */
export function subscribe(topic: string, handler: Handler, onReconnect?: () => void, onStatus?: StatusListener): () => void {
  let s = subs.get(topic);
  const fresh = !s;
  if (!s) subs.set(topic, (s = { handlers: new Set(), onReconnect: new Set(), onStatus: new Set(), live: false }));
  s.handlers.add(handler);
  if (onReconnect) s.onReconnect.add(onReconnect);
  if (onStatus) {
    const sub = s;
    sub.onStatus.add(onStatus);
    if (sub.live) queueMicrotask(() => sub.onStatus.has(onStatus) && onStatus(true));
  }
  if (!ws && !timer) connect();
  else if (fresh) send({ type: "subscribe", topic });
  return () => {
    const cur = subs.get(topic);
    if (!cur) return;
    cur.handlers.delete(handler);
    if (onReconnect) cur.onReconnect.delete(onReconnect);
    if (onStatus) cur.onStatus.delete(onStatus);
    if (!cur.handlers.size) {
      subs.delete(topic);
      send({ type: "unsubscribe", topic });
    }
  };
}
