// The query API's wire format: VqlEvents as a stream of JSON lines (rows in column order),
// ending with a status line (ok, rows, the number of ERROR lines and the first of them with its
// line:col, so a caller that reads only the status still sees why). It runs in the engine's module graph (reached through
// engine.api), because rows are engine/vql values that the app bundle's copy of the classes
// would not recognise.
import { lineCol, OrderedDict, toJsonText, type VqlEvent } from "../../vql";

const FLUSH_BYTES = 64 * 1024;

/** `source` (the query text) lets log lines say where: `span` offsets and `at` as "line:col". */
export function queryLines(events: AsyncIterable<VqlEvent>, source?: string): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const it = events[Symbol.asyncIterator]();
  let rows = 0;
  let errors = 0;
  let firstError: { message: string; code?: string; at?: string } | undefined;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return controller.close();
      let out = "";
      try {
        while (out.length < FLUSH_BYTES) {
          const r = await it.next();
          if (r.done) {
            out += JSON.stringify({ type: "status", ok: errors === 0, rows, errors, ...(firstError ? { firstError } : {}) }) + "\n";
            done = true;
            break;
          }
          const e = r.value;
          if (e.kind === "row") {
            rows++;
            const columns = e.row instanceof OrderedDict ? e.row.keys() : Object.keys(e.row as object);
            out += `{"type":"row","statement":${e.statement},"columns":${JSON.stringify(columns)},"row":${toJsonText(e.row)}}\n`;
            if (out.length >= FLUSH_BYTES) break;
          } else if (e.kind === "log") {
            const where = e.span ? { span: e.span, ...(source !== undefined ? { at: at(source, e.span.start) } : {}) } : {};
            const position = e.span && source !== undefined ? at(source, e.span.start) : undefined;
            if (e.level === "ERROR" && errors++ === 0) firstError = { message: e.message, ...(e.code ? { code: e.code } : {}), ...(position ? { at: position } : {}) };
            out += JSON.stringify({ type: "log", level: e.level, message: e.message, ...(e.code ? { code: e.code } : {}), ...where, time: e.time }) + "\n";
            break;
          } else if (e.kind === "select-end") {
            out += JSON.stringify({ type: "select-end", statement: e.statement, rows: e.rows, truncated: e.truncated }) + "\n";
            break;
          }
        }
      } catch (err) {
        out += JSON.stringify({ type: "status", ok: false, rows, errors: errors + 1, error: (err as Error).message }) + "\n";
        done = true;
      }
      if (out) controller.enqueue(enc.encode(out));
      if (done) controller.close();
    },
    async cancel() {
      done = true;
      await it.return?.();
    },
  });
}

function at(source: string, offset: number): string {
  const { line, col } = lineCol(source, offset);
  return `${line}:${col}`;
}
