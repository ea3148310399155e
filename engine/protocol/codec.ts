// Encoding and decoding at the socket edge: JSON text, a size check before parsing, then zod.
// A decode failure is data ({ ok: false, reason }) that the caller logs and acts on; it never
// throws.
import type { z } from "zod";
import { AgentToServerSchema, type AgentToServer } from "./agent-to-server";
import { ServerToAgentSchema, type ServerToAgent } from "./server-to-agent";

export type Decoded<T> = { ok: true; message: T } | { ok: false; reason: string };

/** What a socket delivers: text, or bytes (ws gives Buffers, which are Uint8Arrays). */
export type RawFrame = string | Uint8Array | ArrayBuffer | Uint8Array[];

function decodeWith<T>(schema: z.ZodType<T>, data: RawFrame, maxBytes: number): Decoded<T> {
  const size = frameBytes(data);
  if (size > maxBytes) return { ok: false, reason: `message of ${size} bytes is over the limit of ${maxBytes}` };
  const text = toText(data);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `message is not JSON: ${(err as Error).message.slice(0, 200)}` };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    const type = value && typeof value === "object" && "type" in value ? ` (${String((value as { type: unknown }).type).slice(0, 40)})` : "";
    return { ok: false, reason: `invalid message${type}${where}: ${issue?.message ?? "does not match the protocol"}` };
  }
  return { ok: true, message: parsed.data };
}

const utf8 = new TextDecoder();

function frameBytes(data: RawFrame): number {
  if (typeof data === "string") return data.length; // a lower bound; exact enough for a limit
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.byteLength, 0);
  return data.byteLength;
}

function toText(data: RawFrame): string {
  if (typeof data === "string") return data;
  if (Array.isArray(data)) {
    const all = new Uint8Array(frameBytes(data));
    let at = 0;
    for (const b of data) {
      all.set(b, at);
      at += b.byteLength;
    }
    return utf8.decode(all);
  }
  return utf8.decode(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
}

export function decodeAgentMessage(data: RawFrame, maxBytes: number): Decoded<AgentToServer> {
  return decodeWith(AgentToServerSchema as z.ZodType<AgentToServer>, data, maxBytes);
}

export function decodeServerMessage(data: RawFrame, maxBytes = 64 * 1024 * 1024): Decoded<ServerToAgent> {
  return decodeWith(ServerToAgentSchema as z.ZodType<ServerToAgent>, data, maxBytes);
}

export function encodeMessage(message: AgentToServer | ServerToAgent): string {
  return JSON.stringify(message);
}

/** Exhaustiveness check for `switch (message.type)`. */
export function assertNever(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}
