// Messages an agent sends to the server (AgentToServer), one zod schema per message type with
// every field documented. The gateway validates each incoming frame against AgentToServerSchema;
// the agent builds them through the same types. Flow data messages carry `seq`, the agent's
// per-client sequence number: the server stores a message and advances the client's acknowledged
// seq in one transaction, so a resent message (after a reconnect) is recognised and dropped.
import { z } from "zod";

const clientId = z.string().regex(/^C\.[0-9a-f]{16}$/);
const flowId = z.string().regex(/^F\.[0-9A-Z]{8,20}(\.H)?$/);
const seq = z.number().int().positive();
/** `Artifact` or `Artifact/Source`: which source of the flow a message belongs to. */
const artifactName = z.string().min(1).max(300);
const text = (max: number) => z.string().max(max);
/** Milliseconds since the epoch, within what a Date can hold (a larger one fails toISOString()). */
const epochMs = z.number().min(-8.64e15).max(8.64e15);

/** First message on a connection, answering the server's challenge. */
export const HelloSchema = z.object({
  type: z.literal("hello"),
  /** PROTOCOL_VERSION of the agent. */
  version: z.number().int().positive(),
  /** `C.` + 16 hex digits derived from publicKey (the server recomputes and compares). */
  clientId,
  /** The agent's Ed25519 public key, SPKI DER, base64. */
  publicKey: z.string().min(40).max(200),
  /** Signature over helloSignedText(nonce, clientId) with the agent's private key, base64. */
  signature: z.string().min(40).max(200),
  /** The deployment token; needed when this client id is not yet enrolled. */
  token: text(200).optional(),
  /** Agent software, for the client record. */
  agent: z.object({ name: text(100), version: text(50) }),
  /** Flows the agent still works on or still has unacknowledged messages for. */
  inFlight: z.array(flowId).max(1000),
  /** The version of the client event table the agent runs (absent: none); the server sends a newer one. */
  eventTableVersion: text(100).optional(),
});

/** A batch of result rows of one source of a flow. */
export const RowsSchema = z.object({
  type: z.literal("rows"),
  seq,
  flowId,
  /** The source the rows belong to. */
  artifact: artifactName,
  /** Column names in order (JSON objects do not keep the order of integer-like keys). */
  columns: z.array(text(500)).max(2000),
  /** Rows as JSON objects; values already converted to JSON (timestamps as RFC 3339 text). */
  rows: z.array(z.record(z.string(), z.unknown())).min(1).max(10_000),
});

/** Query log lines of a flow. */
export const LogSchema = z.object({
  type: z.literal("log"),
  seq,
  flowId,
  entries: z
    .array(
      z.object({
        /** Milliseconds since the epoch on the agent. */
        time: epochMs,
        level: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]),
        message: text(10_000),
        /** The source that logged it, when known. */
        artifact: artifactName.optional(),
      }),
    )
    .min(1)
    .max(1000),
});

/** One source of a flow ended (or was skipped because its precondition was false). */
export const SourceStatusSchema = z.object({
  type: z.literal("source-status"),
  seq,
  flowId,
  artifact: artifactName,
  state: z.enum(["finished", "skipped", "error", "timeout", "cancelled"]),
  /** Rows the source produced (after the row limit). */
  rows: z.number().int().nonnegative(),
  /** True when the row limit cut the results short. */
  truncated: z.boolean().optional(),
  /** Why it failed (state error/timeout). */
  error: text(10_000).optional(),
  durationMs: z.number().nonnegative().max(1e15),
});

/** The flow as a whole changed state: `running` when it starts, then one final state. */
export const FlowStatusSchema = z.object({
  type: z.literal("flow-status"),
  seq,
  flowId,
  state: z.enum(["running", "finished", "error", "timeout", "cancelled"]),
  error: text(10_000).optional(),
  /** Milliseconds since the epoch on the agent. */
  time: epochMs,
});

/** A piece of an uploaded file. Pieces come in order; the last one carries `eof`. */
export const UploadSchema = z.object({
  type: z.literal("upload"),
  seq,
  flowId,
  /** Agent-chosen id of this upload within the flow (`U1`, `U2`, ...). */
  uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  /** Name under which the file is stored (the upload() `name`, or the file's path). */
  name: text(1000),
  /** Byte offset of `data` in the file. */
  offset: z.number().int().nonnegative(),
  /** The bytes, base64. */
  data: z.string(),
  /** Present on the last piece: the whole file's size and SHA-256 (hex). */
  eof: z.object({ size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  /** The source that uploaded it. */
  artifact: artifactName.optional(),
});

/**
 * A batch of rows of one client event query (a CLIENT_EVENT artifact of the agent's event
 * table). Stored in the journal under `artifact` with ClientId; only CLIENT_EVENT artifacts are
 * accepted.
 */
export const EventsSchema = z.object({
  type: z.literal("events"),
  seq,
  artifact: artifactName,
  columns: z.array(text(500)).max(2000),
  rows: z.array(z.record(z.string(), z.unknown())).min(1).max(10_000),
});

/** Log lines of client event queries. */
export const EventLogSchema = z.object({
  type: z.literal("event-log"),
  seq,
  entries: z
    .array(
      z.object({
        time: epochMs,
        level: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]),
        message: text(10_000),
        artifact: artifactName,
      }),
    )
    .min(1)
    .max(1000),
});

/**
 * Alerts raised by alert() in a collection (with its flowId) or a client event query (without),
 * sent in their own message as soon as they are raised, ahead of the batched rows. The server
 * appends each to `Server.Internal.Alerts` with this client's id.
 */
export const AlertSchema = z.object({
  type: z.literal("alert"),
  seq,
  /** The collection that raised them; absent for client event queries. */
  flowId: flowId.optional(),
  /** The source that raised them (`Artifact` or `Artifact/Source`). */
  artifact: artifactName,
  alerts: z
    .array(
      z.object({
        /** Milliseconds since the epoch on the agent. */
        time: epochMs,
        name: text(500).min(1),
        severity: z.enum(["info", "low", "medium", "high", "critical"]),
        /** alert()'s free-form arguments, JSON. */
        event_data: z.record(z.string(), z.unknown()),
      }),
    )
    .min(1)
    .max(100),
});

/** Liveness, sent every heartbeatMs; carries no flow data and no seq. */
export const HeartbeatSchema = z.object({
  type: z.literal("heartbeat"),
  /** Milliseconds since the epoch on the agent. */
  time: epochMs,
});

export const AgentToServerSchema = z.discriminatedUnion("type", [
  HelloSchema,
  RowsSchema,
  LogSchema,
  SourceStatusSchema,
  FlowStatusSchema,
  UploadSchema,
  EventsSchema,
  EventLogSchema,
  AlertSchema,
  HeartbeatSchema,
]);

export type Hello = z.infer<typeof HelloSchema>;
export type RowsMessage = z.infer<typeof RowsSchema>;
export type LogMessage = z.infer<typeof LogSchema>;
export type LogEntry = LogMessage["entries"][number];
export type SourceStatusMessage = z.infer<typeof SourceStatusSchema>;
export type FlowStatusMessage = z.infer<typeof FlowStatusSchema>;
export type UploadMessage = z.infer<typeof UploadSchema>;
export type HeartbeatMessage = z.infer<typeof HeartbeatSchema>;
export type EventsMessage = z.infer<typeof EventsSchema>;
export type EventLogMessage = z.infer<typeof EventLogSchema>;
export type AlertMessage = z.infer<typeof AlertSchema>;
export type AgentToServer = z.infer<typeof AgentToServerSchema>;
/** Messages of a flow (they carry its id). */
export type FlowDataMessage = RowsMessage | LogMessage | SourceStatusMessage | FlowStatusMessage | UploadMessage;
/** The messages that carry a seq and go through the agent's outbox: flow data, client events and alerts. */
export type FlowMessage = FlowDataMessage | EventsMessage | EventLogMessage | AlertMessage;

/** The exact text an agent signs in its hello: binds the signature to this challenge and id. */
export function helloSignedText(nonce: string, clientId: string): string {
  return `talon-agent-hello\n${nonce}\n${clientId}`;
}
