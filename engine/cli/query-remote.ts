// `talon query --server URL --key K`: runs the VQL on a Talon server through POST /api/v1/query
// and yields the same events a local run would (rows in column order, logs), so the CLI prints
// them the same way. A refused request or a failed run ends with an error (exit status 1).
import { OrderedDict, type VqlEvent } from "../vql";
import type { RemoteQueryRequest } from "./query";

type Line =
  | { type: "row"; statement: number; columns: string[]; row: Record<string, unknown> }
  | { type: "log"; level: "DEBUG" | "INFO" | "WARN" | "ERROR"; message: string; code?: string; span?: { start: number; end: number }; time: number }
  | { type: "select-end"; statement: number; rows: number; truncated: boolean }
  | { type: "status"; ok: boolean; rows: number; errors: number; error?: string };

function toEvent(l: Line): VqlEvent | undefined {
  switch (l.type) {
    case "row":
      return { kind: "row", statement: l.statement, row: new OrderedDict([...l.columns.filter((c) => c in l.row), ...Object.keys(l.row).filter((k) => !l.columns.includes(k))].map((k) => [k, l.row[k]])) };
    case "log":
      return { kind: "log", level: l.level, message: l.message, code: l.code, ...(validSpan(l.span) ? { span: l.span } : {}), time: l.time };
    case "select-end":
      return { kind: "select-end", statement: l.statement, rows: l.rows, truncated: l.truncated };
    case "status":
      if (l.error) throw new Error(`the server stopped the query: ${l.error}`);
      return undefined;
  }
}

function validSpan(s: unknown): s is { start: number; end: number } {
  const v = s as { start?: unknown; end?: unknown } | undefined;
  return Number.isInteger(v?.start) && Number.isInteger(v?.end);
}

export async function* remoteQuery(req: RemoteQueryRequest, fetchImpl: typeof fetch = fetch): AsyncIterable<VqlEvent> {
  const url = new URL("/api/v1/query", req.server).toString();
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${req.key}` },
      body: JSON.stringify({ query: req.vql, env: req.params, timeoutSec: req.timeoutMs ? req.timeoutMs / 1000 : undefined, maxRows: req.maxRows }),
    });
  } catch (err) {
    throw new Error(`cannot reach ${req.server}: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => "");
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not JSON
    }
    throw new Error(`the server refused the query (${res.status}): ${message || res.statusText}`);
  }
  const decoder = new TextDecoder();
  let buf = "";
  let sawStatus = false;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line.trim()) continue;
      const parsed = JSON.parse(line) as Line;
      if (parsed.type === "status") sawStatus = true;
      const e = toEvent(parsed);
      if (e) yield e;
    }
  }
  if (!sawStatus) throw new Error("the connection to the server ended before the query finished");
}
