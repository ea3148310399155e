// Messages the server sends to an agent (ServerToAgent), documented field by field. The agent
// validates them with ServerToAgentSchema too: a server it does not understand is logged, not
// obeyed.
import { z } from "zod";

const flowId = z.string().regex(/^F\.[0-9A-Z]{8,20}(\.H)?$/);

/** First message on every connection: the agent signs `nonce` in its hello. */
export const ChallengeSchema = z.object({
  type: z.literal("challenge"),
  /** The server's PROTOCOL_VERSION. */
  version: z.number().int().positive(),
  /** Random text the agent signs (proves it holds the key its client id derives from). */
  nonce: z.string().min(16).max(200),
  /** The server's software version, for logs. */
  serverVersion: z.string().max(50),
});

/** The hello was accepted. */
export const WelcomeSchema = z.object({
  type: z.literal("welcome"),
  clientId: z.string(),
  /** True when this connection enrolled the client (first contact). */
  enrolled: z.boolean(),
  /** Highest seq the server has stored for this client: the agent drops those from its outbox. */
  ackedSeq: z.number().int().nonnegative(),
  /** How often the agent sends a heartbeat. */
  heartbeatMs: z.number().int().positive(),
  /** Largest message the server accepts from this agent. */
  maxMessageBytes: z.number().int().positive(),
  /**
   * Optional (older servers send none): the server's long-lived X25519 public key, SPKI DER in
   * base64, that write_crypto_file() seals its batches to. The agent keeps the last one it was given.
   */
  serverPublicKey: z.string().min(1).max(200).regex(/^[A-Za-z0-9+/]+=*$/).optional(),
});

/** The hello was refused; the server closes the connection after this message. */
export const RefusedSchema = z.object({
  type: z.literal("refused"),
  /**
   * bad-token: enrolment needs the deployment token and this one is wrong or missing (permanent);
   * bad-version: protocol versions differ (permanent); bad-identity: client id, key or signature
   * do not match (permanent); busy: try again later (transient); revoked: an administrator
   * revoked this client's key (permanent); rekey-required: an administrator re-keyed this
   * client: make a new key for the same client id and say hello again with the deployment token.
   */
  code: z.enum(["bad-token", "bad-version", "bad-identity", "busy", "revoked", "rekey-required"]),
  /** One sentence for the agent's operator. */
  message: z.string().max(1000),
});

/** One source of an artifact, as the agent runs it. */
export const CollectSourceSchema = z.object({
  /** `Artifact` or `Artifact/Source`: the name results are stored under. */
  name: z.string().min(1).max(300),
  /** VQL that must return a row for the source to run; absent means always run. */
  precondition: z.string().max(100_000).optional(),
  /** The VQL of the source. */
  query: z.string().min(1).max(1_000_000),
});

/**
 * Artifacts the sources call as `Artifact.Name(...)`, as their YAML: the agent resolves those
 * calls from them (it has no repository of its own).
 */
export const DefinitionsSchema = z.array(z.object({ name: z.string().min(1).max(300), yaml: z.string().min(1).max(1_000_000) })).max(100);

/** Run a collection (a flow) of one or more artifacts. */
export const CollectSchema = z.object({
  type: z.literal("collect"),
  flowId,
  artifacts: z
    .array(
      z.object({
        /** Artifact name, e.g. Linux.Sys.Pslist. */
        name: z.string().min(1).max(300),
        /** Parameter values (strings, as artifacts declare them) given to every source as scope variables. */
        env: z.record(z.string(), z.unknown()),
        sources: z.array(CollectSourceSchema).min(1).max(100),
        /** This artifact's sources' time limit (its `resources.timeout`), instead of timeoutMs. */
        timeoutMs: z.number().int().positive().optional(),
      }),
    )
    .min(1)
    .max(100),
  /** Per-source time limit. */
  timeoutMs: z.number().int().positive(),
  /** Per-source row limit. */
  maxRows: z.number().int().positive(),
  /** Total bytes this flow may upload. */
  maxUploadBytes: z.number().int().nonnegative(),
  /** Permissions of the user who started the collection (execve() needs EXECVE). */
  permissions: z.array(z.string().max(50)).max(100),
  /** Who started it, for the agent's log. */
  creator: z.string().max(200),
  definitions: DefinitionsSchema.optional(),
  /** Velociraptor's urgent collections: started at once, ahead of the flows waiting for a slot. */
  urgent: z.boolean().optional(),
});

/** Stop a running flow; the agent reports `cancelled`. */
export const CancelSchema = z.object({
  type: z.literal("cancel"),
  flowId,
  reason: z.string().max(1000).optional(),
});

/**
 * killkillkill(): end the agent process at once, as Velociraptor's KillKillKill message does, so
 * that its service manager restarts it. Running flows die with it (no final status is sent).
 */
export const KillSchema = z.object({
  type: z.literal("kill"),
  /** Who asked, for the agent's log. */
  reason: z.string().max(1000).optional(),
});

/**
 * The client event table: the CLIENT_EVENT artifacts this agent runs continuously (the table
 * for all clients plus those of its labels). Replaces the one it runs; the agent keeps it across
 * restarts and reports `version` in its hello.
 */
export const EventTableSchema = z.object({
  type: z.literal("event-table"),
  version: z.string().min(1).max(100),
  artifacts: z
    .array(
      z.object({
        name: z.string().min(1).max(300),
        env: z.record(z.string(), z.unknown()),
        sources: z.array(CollectSourceSchema).min(1).max(100),
        /** Permissions of the user who added it (execve() needs EXECVE). */
        permissions: z.array(z.string().max(50)).max(100),
      }),
    )
    .max(500),
  /** Per-SELECT row limit of event queries (they never end: a limit per query, not per run). */
  maxRows: z.number().int().positive(),
  /**
   * How long event rows wait on the agent to be sent together (absent: the agent's default).
   * Shorter is less lag, longer is fewer messages: the server picks for its database.
   */
  batchWaitMs: z.number().int().min(50).max(10_000).optional(),
  definitions: DefinitionsSchema.optional(),
});

/** Every message with seq <= `seq` is stored: the agent removes them from its outbox. */
export const AckSchema = z.object({
  type: z.literal("ack"),
  seq: z.number().int().nonnegative(),
});

export const ServerToAgentSchema = z.discriminatedUnion("type", [
  ChallengeSchema,
  WelcomeSchema,
  RefusedSchema,
  CollectSchema,
  CancelSchema,
  KillSchema,
  EventTableSchema,
  AckSchema,
]);

export type Challenge = z.infer<typeof ChallengeSchema>;
export type Welcome = z.infer<typeof WelcomeSchema>;
export type Refused = z.infer<typeof RefusedSchema>;
export type CollectSource = z.infer<typeof CollectSourceSchema>;
export type CollectMessage = z.infer<typeof CollectSchema>;
export type CancelMessage = z.infer<typeof CancelSchema>;
export type KillMessage = z.infer<typeof KillSchema>;
export type AckMessage = z.infer<typeof AckSchema>;
export type EventTableMessage = z.infer<typeof EventTableSchema>;
export type Definitions = z.infer<typeof DefinitionsSchema>;
export type ServerToAgent = z.infer<typeof ServerToAgentSchema>;
