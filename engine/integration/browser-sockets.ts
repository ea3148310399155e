// Browser-like sockets for tests: /api/ws/ui and /api/ws/collab with a session cookie and a
// same-site Origin, recording what they receive and how they were closed. Test code only.
import { HocuspocusProvider, type HocuspocusProviderConfiguration } from "@hocuspocus/provider";
import { WebSocket } from "ws";
import * as Y from "yjs";
import { SESSION_COOKIE } from "../server/http/gate";
import { waitFor } from "./harness";

export type Closed = { code: number; reason: string };

/** A browser-like /api/ws/ui socket: session cookie and same-site Origin; records messages and the close. */
export async function uiSocket(s: { url: string }, token: string) {
  const ws = new WebSocket(`${s.url.replace("http", "ws")}/api/ws/ui`, { headers: { cookie: `${SESSION_COOKIE}=${token}`, origin: s.url } });
  const messages: Array<Record<string, unknown>> = [];
  let closed: Closed | undefined;
  ws.on("message", (d) => messages.push(JSON.parse(String(d))));
  ws.on("close", (code, reason) => (closed = { code, reason: reason.toString() }));
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return {
    messages,
    closed: () => closed,
    send: (m: Record<string, unknown>) => ws.send(JSON.stringify(m)),
    async subscribe(topic: string) {
      const before = messages.length;
      ws.send(JSON.stringify({ type: "subscribe", topic }));
      return waitFor(() => messages.slice(before).find((m) => m.topic === topic && (m.type === "subscribed" || m.type === "error")), `an answer for ${topic}`);
    },
    on: (topic: string, type: string) => messages.filter((m) => m.topic === topic && m.type === type),
    close: () => ws.close(),
  };
}

/** A browser-like collaboration client (the page's HocuspocusProvider) on /api/ws/collab. */
export async function collabClient(s: { url: string }, token: string, notebookId: string) {
  const closes: Closed[] = [];
  class CookieSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie: `${SESSION_COOKIE}=${token}`, origin: s.url } });
      this.on("close", (code, reason) => closes.push({ code, reason: reason.toString() }));
      this.on("error", () => {});
    }
  }
  const doc = new Y.Doc();
  let synced = false;
  // The provider hands its configuration to the socket it creates, polyfill included.
  const config = { url: `${s.url.replace("http", "ws")}/api/ws/collab`, name: notebookId, document: doc, token: "session", WebSocketPolyfill: CookieSocket, onSynced: () => void (synced = true) };
  const provider = new HocuspocusProvider(config as unknown as HocuspocusProviderConfiguration);
  await waitFor(() => synced, `the collab document ${notebookId} to sync`);
  return {
    doc,
    closes,
    text: (cellId: string) => doc.getMap<Y.Text>("inputs").get(cellId)?.toString() ?? "",
    type: (cellId: string, text: string) => {
      const t = doc.getMap<Y.Text>("inputs").get(cellId)!;
      t.insert(t.length, text);
    },
    destroy: () => provider.destroy(),
  };
}
