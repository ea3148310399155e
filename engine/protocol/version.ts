// The protocol's version and its limits, shared by the agent and the server. A hello with another
// major version is refused with a clear message; limits are enforced by the server's gateway and
// respected by the agent's responder (it splits batches to stay under them).

/** Bumped on any incompatible change to a message; carried in the agent's hello. */
export const PROTOCOL_VERSION = 1;

export const LIMITS = {
  /** Largest message an agent may send (bytes of JSON text); bigger ones close its connection. */
  maxMessageBytes: 4 * 1024 * 1024,
  /** Largest message the agent aims for when batching rows (leaves room under maxMessageBytes). */
  targetBatchBytes: 512 * 1024,
  /** Rows per batch the agent sends at most. */
  maxBatchRows: 1000,
  /** Raw bytes of file data per upload message (base64 makes it 4/3 larger on the wire). */
  uploadChunkBytes: 256 * 1024,
  /** Per-agent message rate: sustained messages per second, and the burst allowed above it. */
  messagesPerSecond: 200,
  messageBurst: 1000,
  /** Per-agent byte rate: sustained bytes per second, and the burst allowed above it. */
  bytesPerSecond: 16 * 1024 * 1024,
  byteBurst: 64 * 1024 * 1024,
  /** Deepest nesting of arrays and objects in a message (the message is level 1); a deeper rows,
   * events or alert message is refused by itself (a log line of its seq says so). */
  maxDepth: 64,
  /** How long the server waits for the hello after the challenge (then the socket is dropped). */
  helloTimeoutMs: 5_000,
  /** Bytes a connection may send before its hello is accepted (a hello is a few KiB). */
  preHelloBytes: 64 * 1024,
  /** The agent's heartbeat interval (the server's welcome may change it). */
  heartbeatMs: 30_000,
} as const;
