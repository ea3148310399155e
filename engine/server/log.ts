// The server's log: one line per event, `time LEVEL message key=value ...`, to stderr.
// Callers pass fields, never secrets (passwords, tokens, keys are not accepted as fields) and
// never data (errorFields() keeps a database error's code and reason, not its query parameters).
// withRing() also keeps each line, rendered the same way, in the memory ring the developer
// builtins read (profile(logs=TRUE), logging(), trace()).
import type { Logger } from "@/engine/server/contracts";
import { redactFields as render, type LogRing } from "@/engine/endpoint/diagnostics/log-ring";

export function createLogger(opts: { quiet?: boolean; write?: (line: string) => void } = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const emit = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    if (opts.quiet && level === "INFO") return;
    write(`${new Date().toISOString()} ${level} ${message}${render(fields)}`);
  };
  return { info: emit("INFO"), warn: emit("WARN"), error: emit("ERROR") };
}

/** `log` that also keeps every line (INFO too, as Velociraptor's memory log does) in `ring`. */
export function withRing(log: Logger, ring: LogRing): Logger {
  const keep = (level: "info" | "warn" | "error") => (message: string, fields?: Record<string, unknown>) => {
    ring.push(level, message + render(fields), "server");
    log[level](message, fields);
  };
  return { info: keep("info"), warn: keep("warn"), error: keep("error") };
}

/**
 * The failure for a log line: its SQLSTATE and the database's message, without the "Failed
 * query: … params: …" text drizzle wraps around it (the parameters are agents' rows).
 */
export function errorFields(err: unknown): { code?: string; error: string } {
  const e = err as { message?: unknown; cause?: { message?: unknown } };
  const inner = e?.cause && typeof e.cause === "object" && "message" in e.cause ? e.cause.message : e?.message;
  let text = String(inner ?? err ?? "unknown error");
  for (const cut of ["\nparams:", "params:", "Failed query:"]) {
    const at = text.indexOf(cut);
    if (at === 0) text = "the query failed";
    else if (at > 0) text = text.slice(0, at);
  }
  text = text.replace(/\s+/g, " ").trim().slice(0, 200);
  const c = err as { code?: unknown; cause?: { code?: unknown } };
  const code = String(c?.cause?.code ?? c?.code ?? "");
  return code ? { code, error: text } : { error: text };
}
