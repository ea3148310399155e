// Upload storage in the database, so whichever process an agent sends a piece to can store it
// and any process can serve the download: each piece the agent sends is a row keyed by its
// offset (a piece sent twice is stored once), written in the ingest transaction. On the last
// piece the pieces are read back in order and checked against the size and SHA-256 the agent
// sent; a mismatch discards them. Uploads stored before this (files under the data dir's
// uploads/ folder) are still served from disk.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { queries, type Db } from "@/drizzle";

const READ_PARTS = 16;

export interface UploadStore {
  writePiece(tx: Db, flowId: string, uploadId: string, offset: number, data: Buffer): Promise<void>;
  /** Checks the stored pieces against what the agent sent; throws (and drops them) on a mismatch. */
  finish(tx: Db, flowId: string, uploadId: string, expected: { size: number; sha256: string }): Promise<void>;
  /** The bytes of a stored upload. */
  read(db: Db, u: { flowId: string; uploadId: string; storedPath: string }): AsyncIterable<Uint8Array>;
}

async function* parts(db: Db, flowId: string, uploadId: string): AsyncIterable<{ offset: number; data: Uint8Array }> {
  for (let from = 0; ; ) {
    const page = await queries.readUploadParts(db, { flowId, uploadId, fromOffset: from, limit: READ_PARTS });
    yield* page;
    if (page.length < READ_PARTS) return;
    from = page[page.length - 1]!.offset + 1;
  }
}

export function createUploadStore(legacyDataDir: string): UploadStore {
  return {
    async writePiece(tx, flowId, uploadId, offset, data) {
      if (data.length) await queries.insertUploadPart(tx, { flowId, uploadId, offset, data });
    },

    async finish(tx, flowId, uploadId, expected) {
      const h = createHash("sha256");
      let size = 0;
      let gap = false;
      for await (const p of parts(tx, flowId, uploadId)) {
        if (p.offset !== size) gap = true;
        h.update(p.data);
        size = Math.max(size, p.offset + p.data.length);
      }
      const sha = h.digest("hex");
      if (gap || size !== expected.size || sha !== expected.sha256) {
        await queries.deleteUploadParts(tx, { flowId, uploadId });
        throw new Error(`upload ${uploadId} does not match what the agent sent (size ${size} vs ${expected.size}, sha256 ${sha.slice(0, 12)}… vs ${expected.sha256.slice(0, 12)}…${gap ? ", pieces missing" : ""})`);
      }
    },

    async *read(db, u) {
      if (u.storedPath) {
        for await (const chunk of createReadStream(join(legacyDataDir, u.storedPath))) yield chunk as Buffer;
        return;
      }
      for await (const p of parts(db, u.flowId, u.uploadId)) yield p.data;
    },
  };
}
