// Journal cursors as callers see them (`<tx>:<id>`), and back to storage positions.
import { queries } from "@/drizzle";
import type { EventRecord } from "@/drizzle";
import type { JournalCursor, JournalEvent } from "@/engine/server/contracts";

export function toCursor(p: queries.JournalPosition): JournalCursor {
  return `${p.tx}:${p.id}` as JournalCursor;
}

export function parseCursor(c: string): queries.JournalPosition | undefined {
  const m = /^(\d{1,20}):(\d{1,19})$/.exec(c);
  return m ? { tx: m[1]!, id: m[2]! } : undefined;
}

export function toEvent(r: EventRecord): JournalEvent {
  return { id: r.id, cursor: toCursor(queries.positionOf(r)), queue: r.queue, at: r.at, clientId: r.clientId, payload: r.payload };
}
