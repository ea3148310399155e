// Upload storage on disk: pieces are written at their offset into a temporary file (so a piece
// written twice is harmless), and on the last piece the file is checked against the size and
// SHA-256 the agent sent, then moved to uploads/<aa>/<sha256> under the data dir (content-
// addressed: the same file uploaded twice is stored once).
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

export interface UploadStore {
  writePiece(flowId: string, uploadId: string, offset: number, data: Buffer): Promise<void>;
  /** Verifies and moves the file; returns its path relative to the data dir. */
  finish(flowId: string, uploadId: string, expected: { size: number; sha256: string }): Promise<{ storedPath: string }>;
  absolute(storedPath: string): string;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

export function createUploadStore(dataDir: string): UploadStore {
  const root = join(dataDir, "uploads");
  const tmp = join(root, "tmp");
  const tmpPath = (flowId: string, uploadId: string) => join(tmp, `${flowId}.${uploadId}`);

  return {
    async writePiece(flowId, uploadId, offset, data) {
      await mkdir(tmp, { recursive: true });
      const fh = await open(tmpPath(flowId, uploadId), "a+").then(async (h) => {
        await h.close();
        return open(tmpPath(flowId, uploadId), "r+");
      });
      try {
        if (data.length) await fh.write(data, 0, data.length, offset);
      } finally {
        await fh.close();
      }
    },

    async finish(flowId, uploadId, expected) {
      const src = tmpPath(flowId, uploadId);
      await mkdir(tmp, { recursive: true });
      // An empty file has no pieces with data: make sure it exists.
      await (await open(src, "a")).close();
      const size = (await stat(src)).size;
      const sha = await sha256File(src);
      if (size !== expected.size || sha !== expected.sha256) {
        await rm(src, { force: true });
        throw new Error(`upload ${uploadId} does not match what the agent sent (size ${size} vs ${expected.size}, sha256 ${sha.slice(0, 12)}… vs ${expected.sha256.slice(0, 12)}…)`);
      }
      const rel = join("uploads", sha.slice(0, 2), sha);
      await mkdir(join(dataDir, "uploads", sha.slice(0, 2)), { recursive: true });
      await rename(src, join(dataDir, rel));
      return { storedPath: rel };
    },

    absolute(storedPath) {
      return join(dataDir, storedPath);
    },
  };
}
