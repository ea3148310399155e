// Writes a stream into the database file store: the file's row first (incomplete), then parts of
// up to PART_BYTES as the stream is read, then the size and completion (or the error).
import { queries, type Database } from "@/drizzle";

export const PART_BYTES = 1 << 20;

export async function writeStoredFile(database: Database, p: { path: string; principal: string; body: ReadableStream<Uint8Array>; now: () => Date }): Promise<number> {
  const { db } = database;
  await queries.startStoredFile(db, { path: p.path, principal: p.principal, at: p.now() });
  const reader = p.body.getReader();
  let seq = 0;
  let size = 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (!pendingBytes) return;
    const data = new Uint8Array(pendingBytes);
    let at = 0;
    for (const c of pending) data.set(c, (at += c.length) - c.length);
    pending = [];
    pendingBytes = 0;
    await queries.appendStoredFilePart(db, { path: p.path, seq: ++seq, data });
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending.push(value);
      pendingBytes += value.length;
      size += value.length;
      if (pendingBytes >= PART_BYTES) await flush();
    }
    await flush();
    await queries.finishStoredFile(db, { path: p.path, size, at: p.now() });
    return size;
  } catch (err) {
    await reader.cancel().catch(() => {});
    await queries.finishStoredFile(db, { path: p.path, size, error: (err as Error)?.message ?? String(err), at: p.now() }).catch(() => {});
    throw err;
  }
}

/** A stored file's bytes, a few parts per read. */
export function readStoredFile(database: Database, path: string): ReadableStream<Uint8Array> {
  let after = 0;
  let queue: Uint8Array[] = [];
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!queue.length && !done) {
        const parts = await queries.readStoredFileParts(database.db, { path, afterSeq: after, limit: 4 });
        if (parts.length < 4) done = true;
        for (const part of parts) {
          after = part.seq;
          queue.push(part.data);
        }
      }
      const next = queue.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}
