// The server's log: one line per event, `time LEVEL message key=value ...`, to stderr.
// Callers pass fields, never secrets (passwords, tokens, keys are not accepted as fields).
import type { Logger } from "@/engine/server/contracts";

const SECRET_FIELD = /pass|token|secret|key|cookie|authorization/i;

function render(fields?: Record<string, unknown>): string {
  if (!fields) return "";
  let out = "";
  for (const [k, v] of Object.entries(fields)) {
    const value = SECRET_FIELD.test(k) ? "[redacted]" : typeof v === "string" ? v : JSON.stringify(v);
    out += ` ${k}=${/\s/.test(value ?? "") ? JSON.stringify(value) : value}`;
  }
  return out;
}

export function createLogger(opts: { quiet?: boolean; write?: (line: string) => void } = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const emit = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    if (opts.quiet && level === "INFO") return;
    write(`${new Date().toISOString()} ${level} ${message}${render(fields)}`);
  };
  return { info: emit("INFO"), warn: emit("WARN"), error: emit("ERROR") };
}
