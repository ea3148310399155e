// Helpers shared by the notebooks route handlers: the service, view parameters from a query
// string, and streamed downloads.
import "server-only";
import type { RowsRequest } from "../../engine";
import { getEngine } from "./engine";
import { BadRequest } from "./respond";

export function notebooksService() {
  return getEngine().notebooks;
}

/** sort=<column>&desc=1&filter=<text>&filterColumn=<column> */
export function viewFromQuery(sp: URLSearchParams): Omit<RowsRequest, "offset" | "limit"> {
  const view: Omit<RowsRequest, "offset" | "limit"> = {};
  const sort = sp.get("sort");
  if (sort) view.sort = { column: sort, desc: sp.get("desc") === "1" || sp.get("desc") === "true" };
  const filter = sp.get("filter");
  if (filter) view.filter = { text: filter, column: sp.get("filterColumn") || undefined };
  return view;
}

export function intParam(sp: URLSearchParams, name: string, fallback: number): number {
  const raw = sp.get(name);
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new BadRequest(`\`${name}\` must be a whole number`);
  return n;
}

export function attachment(filename: string): string {
  return `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`;
}

/** A streamed body from text chunks (pulled as the client reads: back-pressure). */
export function streamOf(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  const enc = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await it.next();
      if (done) controller.close();
      else controller.enqueue(enc.encode(value));
    },
    async cancel() {
      await it.return?.();
    },
  });
}
