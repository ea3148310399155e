// Encoding and decoding at the socket edge: JSON text, a size check before parsing, then zod;
// an agent's message is then made storable (NUL and lone surrogates become U+FFFD) and one that
// nests deeper than LIMITS.maxDepth is refused by itself: it becomes a log line of the same seq
// saying so, so the agent's outbox moves on and no batch of other agents' data ever sees it.
// A decode failure is data ({ ok: false, reason }) that the caller logs and acts on; it never
// throws. Reasons never quote the message's content.
import type { z } from "zod";
import { AgentToServerSchema, type AgentToServer } from "./agent-to-server";
import { normalise, scanJsonText } from "./normalise";
import { ServerToAgentSchema, type ServerToAgent } from "./server-to-agent";
import { LIMITS } from "./version";

export type Decoded<T> =
  | {
      ok: true;
      message: T;
      /** Why the agent's message was replaced by a log line of the same seq (nothing of it is stored). */
      refused?: string;
      /** How many strings had NUL or lone surrogates replaced. */
      normalised?: number;
    }
  | { ok: false; reason: string };

/** What a socket delivers: text, or bytes (ws gives Buffers, which are Uint8Arrays). */
export type RawFrame = string | Uint8Array | ArrayBuffer | Uint8Array[];

/** JSON.parse's message without the excerpt of the input that newer V8 versions quote. */
function parseProblem(err: unknown): string {
  const m = String((err as Error)?.message ?? "");
  const at = /at position \d+/.exec(m)?.[0];
  if (err instanceof RangeError) return "nested too deeply to parse";
  return at ? `syntax error ${at}` : "syntax error";
}

function decodeWith<T>(schema: z.ZodType<T>, data: RawFrame, maxBytes: number): Decoded<T> {
  const size = frameBytes(data);
  if (size > maxBytes) return { ok: false, reason: `message of ${size} bytes is over the limit of ${maxBytes}` };
  return validate(schema, toText(data));
}

function validate<T>(schema: z.ZodType<T>, text: string): Decoded<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `message is not JSON: ${parseProblem(err)}` };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".").slice(0, 200)}` : "";
    const tag = value && typeof value === "object" && "type" in value ? String((value as { type: unknown }).type) : "";
    const type = /^[a-z-]{1,30}$/.test(tag) ? ` (${tag})` : "";
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

/**
 * An agent's frame as a message: at most `maxBytes`, normalised, and refused by itself (see the
 * module comment) when its values nest deeper than `maxDepth` levels (the message is level 1).
 */
export function decodeAgentMessage(data: RawFrame, maxBytes: number, maxDepth: number = LIMITS.maxDepth): Decoded<AgentToServer> {
  const size = frameBytes(data);
  if (size > maxBytes) return { ok: false, reason: `message of ${size} bytes is over the limit of ${maxBytes}` };
  const text = toText(data);
  const scan = scanJsonText(text);
  const decoded = validate(AgentToServerSchema as z.ZodType<AgentToServer>, text);
  if (!decoded.ok || (!scan.needsNormalise && scan.depth <= maxDepth)) return decoded;
  // Only the validated message is walked: zod has already dropped unknown fields.
  const n = normalise(decoded.message, maxDepth);
  if (n.depth > maxDepth) {
    const refused = `its values nest deeper than ${maxDepth} levels`;
    const stand = standIn(n.value, `the server refused a ${n.value.type} message of ${size} bytes: ${refused}`);
    if (stand) return { ok: true, message: stand, refused };
    return { ok: false, reason: `invalid message (${n.value.type}): ${refused}` };
  }
  return n.replaced ? { ok: true, message: n.value, normalised: n.replaced } : { ok: true, message: n.value };
}

/** The log line that takes a refused message's place (same seq): in its flow, else in the event log. */
function standIn(m: AgentToServer, message: string): AgentToServer | undefined {
  const time = Date.now();
  switch (m.type) {
    case "rows":
      return { type: "log", seq: m.seq, flowId: m.flowId, entries: [{ time, level: "ERROR", message, artifact: m.artifact }] };
    case "alert":
      return m.flowId
        ? { type: "log", seq: m.seq, flowId: m.flowId, entries: [{ time, level: "ERROR", message, artifact: m.artifact }] }
        : { type: "event-log", seq: m.seq, entries: [{ time, level: "ERROR", message, artifact: m.artifact }] };
    case "events":
      return { type: "event-log", seq: m.seq, entries: [{ time, level: "ERROR", message, artifact: m.artifact }] };
    default:
      // Every other message's schema is flat: zod would have refused the nesting already.
      return undefined;
  }
}

export function decodeServerMessage(data: RawFrame, maxBytes = 64 * 1024 * 1024): Decoded<ServerToAgent> {
  return decodeWith(ServerToAgentSchema as z.ZodType<ServerToAgent>, data, maxBytes);
}

export function encodeMessage(message: AgentToServer | ServerToAgent): string {
  return JSON.stringify(message);
}

/** Exhaustiveness check for `switch (message.type)`. */
export function assertNever(value: never): never {
  // The type only: a message's content never goes into an error (errors end up in logs).
  const type = value && typeof value === "object" && "type" in value ? String((value as { type: unknown }).type).slice(0, 40) : typeof value;
  throw new Error(`unhandled message of type ${type}`);
}
