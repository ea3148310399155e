// The messages between the main thread and a query worker (one query at a time per worker).
// Everything here crosses a MessagePort by structured clone: values go through
// engine/vql/values/transfer.ts (toWire/fromWire). Flow control is by credit both ways: the
// worker posts an `out` only while it holds credit (the main thread grants one per message it
// takes), and the main thread posts `stream` batches only within the events the worker granted.
import type { Artifact } from "@/engine/artifacts";
import type { Span, VqlLimits, Wire, WireRows, LogLevel } from "@/engine/vql";

/** What a worker knows of the artifact repository (sent again only when it changed). */
export interface ArtifactSnapshot {
  version: number;
  artifacts: Artifact[];
  /** name → the name get(name) resolves to when it is not the name itself (`Custom.` overrides). */
  resolved: Record<string, string>;
}

/** The principal as the worker sees it (the main thread never takes it back from the worker). */
export interface WirePrincipal {
  userId: string;
  username: string;
  role: string;
  permissions: string[];
  via: "session" | "api-key" | "system";
}

export interface RunRequest {
  type: "run";
  id: number;
  source: string;
  env: Wire;
  principal: WirePrincipal;
  timeoutMs?: number;
  maxRows?: number;
  limits?: Partial<VqlLimits>;
  /** Whether notebook_*() builtins may reach the notebooks service in this run. */
  hasNotebooks: boolean;
  /** Present when the worker's snapshot is older than the repository's. */
  artifacts?: ArtifactSnapshot;
  /** `out` messages the worker may post before it waits for credit. */
  window: number;
}

export type ToWorker =
  | RunRequest
  | { type: "credit"; id: number; n: number }
  | { type: "cancel"; id: number; reason: "timeout" | "cancel" }
  | { type: "reply"; call: number; ok: true; value: Wire }
  | { type: "reply"; call: number; ok: false; error: string; code?: string }
  | { type: "stream"; stream: number; items: Wire[]; end?: boolean; error?: string };

/** A piece of a run's output (engine/vql's VqlChunk) in its transferable form. */
export type WireChunk =
  | { kind: "rows"; statement: number; rows: WireRows }
  | { kind: "select-start"; statement: number; span: Span; comment?: string }
  | { kind: "select-end"; statement: number; rows: number; truncated: boolean }
  | { kind: "log"; level: LogLevel; message: string; code?: string; span?: Span; time: number }
  | { kind: "alert"; name: string; severity: string; eventData: Wire; clientId?: string; time: number };

export type FromWorker =
  | { type: "ready" }
  | { type: "out"; id: number; chunk: WireChunk }
  | { type: "done"; id: number; heapBytes: number }
  /** A service call; `handle` targets an object an earlier `open-handle` made (a checkpoint). */
  | { type: "call"; call: number; service: string; method: string; args: Wire[]; handle?: number }
  /** A streaming call (journal.subscribe): items come as `stream` batches within `credit`. */
  | { type: "open-stream"; stream: number; service: string; method: string; args: Wire[]; credit: number }
  | { type: "stream-credit"; stream: number; n: number }
  | { type: "close-stream"; stream: number }
  /** A call that returns an object whose methods are called later (journal.checkpoint). */
  | { type: "open-handle"; handle: number; service: string; method: string; args: Wire[] }
  /** An AbortSignal passed in a call's arguments fired in the worker. */
  | { type: "abort"; signal: number };

/** How an AbortSignal in a call's arguments crosses: a plain marker with its id. */
export interface SignalMarker {
  $signal: number;
}

export function isSignalMarker(v: unknown): v is SignalMarker {
  return typeof v === "object" && v !== null && typeof (v as SignalMarker).$signal === "number" && Object.keys(v).length === 1;
}
