// Test support: a stand-in Talon server that speaks just the handshake of the agent protocol
// (challenge → hello → welcome, or refused) over a real WebSocket, and records who said hello.
// Enough to test dialling and failover without an engine or a database; never used in production.
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { decodeAgentMessage, encodeMessage, PROTOCOL_VERSION, type Refused, type ServerToAgent } from "@/engine/protocol";

export interface FakeServer {
  /** Base URL (http://127.0.0.1:port), as an operator would give it to `--server`. */
  url: string;
  /** Client ids in the order their hellos arrived. */
  hellos: string[];
  /** Sockets of welcomed agents still open. */
  connected(): number;
  /** Drops every agent connection (the server stays up and accepts them again). */
  dropAll(): void;
  /** Stops listening and drops every connection, like a server process that exits. */
  close(): Promise<void>;
}

export async function startFakeServer(o: { refuse?: Refused["code"] } = {}): Promise<FakeServer> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/api/ws/agent" });
  await new Promise<void>((resolve) => wss.once("listening", resolve));
  const hellos: string[] = [];
  const welcomed = new Set<WebSocket>();
  const send = (ws: WebSocket, m: ServerToAgent) => ws.send(encodeMessage(m));
  wss.on("connection", (ws) => {
    send(ws, { type: "challenge", version: PROTOCOL_VERSION, nonce: "n".repeat(32), serverVersion: "fake" });
    ws.on("message", (data: Buffer) => {
      const d = decodeAgentMessage(data, 1 << 20);
      if (!d.ok || d.message.type !== "hello") return;
      hellos.push(d.message.clientId);
      if (o.refuse) {
        send(ws, { type: "refused", code: o.refuse, message: `refused (${o.refuse}) by the fake server` });
        ws.close(1008, o.refuse);
        return;
      }
      welcomed.add(ws);
      ws.once("close", () => welcomed.delete(ws));
      send(ws, { type: "welcome", clientId: d.message.clientId, enrolled: true, ackedSeq: 0, heartbeatMs: 60_000, maxMessageBytes: 1 << 20 });
    });
  });
  const url = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  return {
    url,
    hellos,
    connected: () => welcomed.size,
    dropAll() {
      for (const ws of wss.clients) ws.terminate();
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** A base URL on a local port nothing listens on (taken from the OS, then released). */
export async function unusedUrl(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
