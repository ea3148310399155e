// Hostile peers of the agent endpoint for tests: a raw TCP socket that upgrades and then sends
// part of a frame that never ends, and a scripted enrolled agent that sends whatever a test
// gives it (bypassing the real agent's responder). Test code only.
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { WebSocket } from "ws";
import { newIdentity, type Identity } from "../client/identity";
import { PROTOCOL_VERSION } from "../protocol";

export interface HalfFrame {
  /** HTTP status of the upgrade (101 when admitted). */
  status: number;
  /** Payload bytes written before the server dropped the socket (or `send` was reached). */
  sent: number;
  /** Milliseconds from the upgrade (as this client saw the 101) until the server closed the socket. */
  closedAfterMs: number;
  /**
   * Milliseconds from before the TCP connect until the close: never shorter than the server's
   * own time from accept to close, however late this client reads the 101 on a loaded machine.
   */
  closedSinceConnectMs: number;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/** Upgrades, then sends a text frame header declaring `declared` bytes and `send` of them. */
export function halfFrame(url: string, o: { declared: number; send: number; localAddress?: string }): Promise<HalfFrame> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const startedAt = Date.now();
    const socket: Socket = connect({ host: "127.0.0.1", port: Number(port), localAddress: o.localAddress });
    let head = "";
    let status = 0;
    let sent = 0;
    let upgradedAt = 0;
    const finish = () => resolve({ status, sent, closedAfterMs: upgradedAt ? Date.now() - upgradedAt : 0, closedSinceConnectMs: Date.now() - startedAt });
    socket.on("error", () => {});
    socket.on("close", finish);
    socket.once("connect", () => {
      socket.write(`GET /api/ws/agent HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    const onHead = (d: Buffer) => {
      head += d.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      socket.off("data", onHead);
      socket.on("data", () => {}); // the challenge, ignored
      status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0);
      if (status !== 101) return void socket.end();
      upgradedAt = Date.now();
      // FIN + text, masked, 64-bit length, a zero mask (the payload goes as is).
      const header = Buffer.alloc(14);
      header[0] = 0x81;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(o.declared), 2);
      socket.write(header);
      const pump = () => {
        while (sent < o.send && !socket.destroyed) {
          const n = Math.min(CHUNK.length, o.send - sent);
          sent += n;
          if (!socket.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void socket.once("drain", pump);
        }
      };
      pump();
    };
    socket.on("data", onHead);
  });
}

export interface ScriptedAgent {
  clientId: string;
  ws: WebSocket;
  /** Every message the server sent, in order. */
  received: Array<Record<string, unknown>>;
  /** Seqs the server acknowledged. */
  acks: number[];
  /** The close code, once closed. */
  closeCode?: number;
  send(message: unknown): void;
  waitFor(test: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** An agent that says a correct hello (enrolling with `token`) and then only sends what it is told. */
export async function scriptedAgent(url: string, token: string, identity: Identity = newIdentity()): Promise<ScriptedAgent> {
  const ws = new WebSocket(url.replace("http", "ws") + "/api/ws/agent");
  const agent: ScriptedAgent = {
    clientId: identity.clientId,
    ws,
    received: [],
    acks: [],
    send: (m) => ws.send(JSON.stringify(m)),
    waitFor: (test, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const seen = agent.received.find(test);
        if (seen) return resolve(seen);
        const t = setTimeout(() => reject(new Error("timed out waiting for a server message")), timeoutMs);
        const on = () => {
          const m = agent.received.find(test);
          if (m) {
            clearTimeout(t);
            ws.off("message", on);
            resolve(m);
          }
        };
        ws.on("message", on);
      }),
  };
  ws.on("error", () => {});
  ws.on("close", (code) => (agent.closeCode = code));
  ws.on("message", (data) => {
    const m = JSON.parse(String(data)) as Record<string, unknown>;
    agent.received.push(m);
    if (m.type === "ack") agent.acks.push(m.seq as number);
    if (m.type === "challenge") {
      agent.send({ type: "hello", version: PROTOCOL_VERSION, clientId: identity.clientId, publicKey: identity.publicKey, signature: identity.signHello(m.nonce as string), token, agent: { name: "scripted", version: "1" }, inFlight: [] });
    }
  });
  await agent.waitFor((m) => m.type === "welcome");
  return agent;
}
