// What Hocuspocus gets instead of a browser's WebSocket on /api/ws/collab: the same socket for
// sending, closing, pings and state, but its "message" events are emitted only by the caller,
// after the frame was checked (collab-frames.ts). Hocuspocus 3 listens to the socket it is
// handed ("message", "pong", "close"), re-emits queued messages on it, and uses readyState,
// send, close and ping: exactly what this forwards.
import { EventEmitter } from "node:events";
import type { WebSocket } from "ws";

export interface GuardedSocket extends EventEmitter {
  readonly readyState: number;
  binaryType: string;
  send(data: Uint8Array, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  ping(): void;
}

export function guardedSocket(ws: WebSocket): GuardedSocket {
  const g = new EventEmitter() as GuardedSocket;
  g.setMaxListeners(Number.POSITIVE_INFINITY);
  Object.defineProperty(g, "readyState", { get: () => ws.readyState });
  g.binaryType = "nodebuffer";
  g.send = (data, cb) => ws.send(data, cb);
  g.close = (code, reason) => ws.close(code, reason);
  g.ping = () => ws.ping();
  ws.on("pong", (d: Buffer) => g.emit("pong", d));
  ws.on("close", (code: number, reason: Buffer) => g.emit("close", code, reason));
  return g;
}
