// What the executor needs from a query engine: run a source's VQL and yield rows and log lines.
// The VQL implementation is vql-runner.ts; tests may pass their own.
import type { Definitions } from "../../protocol";
import type { PluginLike } from "../../vql";
import type { ProcessDiagnostics } from "@/engine/endpoint/diagnostics/diagnostics";
import type { FlowResponder } from "../responder/responder";

export type SourceEvent =
  | { kind: "row"; columns: string[]; row: Record<string, unknown>; size?: number }
  | { kind: "log"; level: "DEBUG" | "INFO" | "WARN" | "ERROR"; message: string }
  /** alert() raised one: the responder sends it at once, in its own message. */
  | { kind: "alert"; name: string; severity: string; eventData: Record<string, unknown>; time: number };

export interface SourceContext {
  flowId: string;
  /** The source's result name (`Artifact` or `Artifact/Source`). */
  artifact: string;
  env: Record<string, unknown>;
  signal: AbortSignal;
  /** Per-SELECT row limit. */
  maxRows: number;
  /** Permissions of the user who started the collection. */
  permissions: ReadonlySet<string>;
  responder: FlowResponder;
  /** `Artifact.X()` resolution from the definitions the server sent with the request. */
  resolvePlugin?: (dottedName: string) => PluginLike | undefined;
  /** The same definitions as data (a query worker builds its own resolver from them). */
  definitions?: Definitions;
  /** The agent's logs, queries, metrics and rekey (the developer builtins). */
  diagnostics?: ProcessDiagnostics;
}

export interface SourceRunner {
  /** True when the precondition query returns at least one row. */
  precondition(vql: string, ctx: SourceContext): Promise<boolean>;
  run(vql: string, ctx: SourceContext): AsyncIterable<SourceEvent>;
}
