// Encoding and decoding at the agent socket: the protocol codec with the server's size limit.
import type { WebSocket } from "ws";
import { decodeAgentMessage, encodeMessage, LIMITS, type RawFrame, type ServerToAgent } from "../../protocol";

export function decodeFrame(data: RawFrame, maxBytes: number = LIMITS.maxMessageBytes, maxDepth: number = LIMITS.maxDepth) {
  return decodeAgentMessage(data, maxBytes, maxDepth);
}

/** Sends when the socket is open; a socket whose buffer keeps growing is closed, not fed. */
export function sendTo(ws: WebSocket, message: ServerToAgent): boolean {
  if (ws.readyState !== ws.OPEN) return false;
  if (ws.bufferedAmount > 32 * 1024 * 1024) {
    ws.terminate();
    return false;
  }
  ws.send(encodeMessage(message));
  return true;
}

export function frameSize(data: RawFrame): number {
  if (typeof data === "string") return data.length;
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.byteLength, 0);
  return data.byteLength;
}
