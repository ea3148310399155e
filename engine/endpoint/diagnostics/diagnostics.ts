// What the developer builtins (profile(), logging(), trace(), rekey()) ask of the process that
// runs them, as ctx.host.diagnostics: its recent log lines, its queries, its metrics and, on an
// agent, a new identity. Every method may answer asynchronously: in a query worker each is a
// call to the thread that owns the logger and the connection. Absent: the builtins say so.
import type { LogLine } from "./log-ring";
import type { QueryEntry } from "./query-log";

export interface MetricRow {
  name: string;
  help: string;
  value: number;
}

export interface ProcessDiagnostics {
  /** Which log this is (`server`, `client`): logging(component=...) filters on it. */
  component: string;
  /** Lines after sequence number `after` (0: all the ring holds), oldest first. */
  logs(after?: number): LogLine[] | Promise<LogLine[]>;
  queries(): QueryEntry[] | Promise<QueryEntry[]>;
  metrics(): MetricRow[] | Promise<MetricRow[]>;
  /** The agent only: make and store a new identity, reconnect as it after `wait` seconds; the new client id. */
  rekey?(wait: number): string | Promise<string>;
  /** The agent only: the server's crypto-file public key (SPKI base64) from its last welcome, "" when none yet (write_crypto_file()). */
  serverPublicKey?(): string | Promise<string>;
}

/** ctx.host's diagnostics: its own (an agent's), or its services' (the server's VqlServices.diagnostics). */
export function diagnosticsOf(host: unknown): ProcessDiagnostics {
  const h = host as { diagnostics?: ProcessDiagnostics; services?: { diagnostics?: ProcessDiagnostics } } | undefined;
  const d = h?.diagnostics ?? h?.services?.diagnostics;
  if (!d) throw new Error("this query was not given the process's diagnostics (logs, queries, metrics)");
  return d;
}
