// The messages between the agent's main thread and one of its query workers (one source at a
// time per worker). Everything crosses a MessagePort by structured clone: rows already as JSON
// text (what the server receives), alert data and the environment through
// engine/vql/values/transfer.ts, artifact definitions and permissions as plain data. Flow
// control is by credit both ways: the worker posts an `out` only while it holds credit (the
// main thread grants one per message it takes), and an upload's chunks only while the main
// thread has acknowledged all but a few.
import type { Definitions } from "@/engine/protocol";
import type { Wire } from "@/engine/vql";
import type { ProtectedPath } from "@/engine/endpoint/builtins/protected-paths";
import type { SourceEvent } from "../executor/types";

/** Given to every worker at its start. */
export interface AgentWorkerData {
  /** Paths no builtin may read (protected-paths.ts); absent: no check. */
  protect?: ProtectedPath[];
}

export type LogLevel = Extract<SourceEvent, { kind: "log" }>["level"];

export interface AgentRunRequest {
  type: "run";
  id: number;
  /** A precondition answers matched (a row came) or not; a run streams its output. */
  mode: "precondition" | "run";
  vql: string;
  env: Wire;
  flowId: string;
  /** The source's result name. */
  artifact: string;
  maxRows: number;
  /** The collecting user's permissions (execve() needs EXECVE). */
  permissions: string[];
  /** The artifacts `Artifact.X()` may call (the collection's definitions). */
  definitions?: Definitions;
  /** `out` messages the worker may post before it waits for credit. */
  window: number;
}

export type ToAgentWorker =
  | AgentRunRequest
  | { type: "credit"; id: number; n: number }
  | { type: "cancel"; id: number }
  /** The main thread's responder took `n` more chunks of an upload. */
  | { type: "upload-ack"; upload: number; n: number }
  | { type: "upload-done"; upload: number; ok: true; result: { uploadId: string; size: number; sha256: string } }
  | { type: "upload-done"; upload: number; ok: false; error: string }
  /** The answer to a `diag` call. */
  | { type: "diag-reply"; call: number; ok: true; value: unknown }
  | { type: "diag-reply"; call: number; ok: false; error: string };

/** What a worker's developer builtins may ask of the agent's diagnostics (engine/client/diagnostics.ts). */
export const DIAG_METHODS = ["logs", "queries", "metrics", "rekey", "serverPublicKey"] as const;
export type DiagMethod = (typeof DIAG_METHODS)[number];

/** Output of a run in transferable form. */
export type AgentWireEvent =
  | { kind: "rows"; rows: Array<{ columns: string[]; text: string }> }
  | { kind: "log"; level: LogLevel; message: string }
  | { kind: "alert"; name: string; severity: string; eventData: Wire; time: number };

export type FromAgentWorker =
  | { type: "ready" }
  | { type: "out"; id: number; events: AgentWireEvent[] }
  /** A protected-path refusal (at most a few per reason): outside the credit window. */
  | { type: "log"; id: number; level: LogLevel; message: string }
  | { type: "done"; id: number; heapBytes: number; matched: boolean }
  | { type: "upload-open"; id: number; upload: number; name: string; artifact: string }
  | { type: "upload-chunk"; upload: number; data: Uint8Array }
  | { type: "upload-end"; upload: number }
  /** Reading the file failed or the run was cancelled: the main thread's upload fails too. */
  | { type: "upload-abort"; upload: number; error: string }
  /** A developer builtin's call to the agent's diagnostics (logs, queries, metrics, rekey): answered by `diag-reply`. */
  | { type: "diag"; id: number; call: number; method: DiagMethod; args: number[] };
