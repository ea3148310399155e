// The compressed payloads of systemd journal DATA objects (journal-def.h's OBJECT_COMPRESSED_*
// flags): ZSTD (one zstd frame, fzstd), LZ4 (a little-endian u64 of the original size, then a raw
// LZ4 block, lz4js) and XZ (an .xz stream, xz-decompress's WebAssembly liblzma). All three are
// pure JavaScript/WebAssembly packages: Node 20's zlib has none of these formats.
import { decompress as zstdDecompress } from "fzstd";
import { decompressBlock } from "lz4js";

export const OBJECT_COMPRESSED_XZ = 1;
export const OBJECT_COMPRESSED_LZ4 = 2;
export const OBJECT_COMPRESSED_ZSTD = 4;

/** The largest field decompressed (journald itself stores fields of at most 768 MiB; the agent keeps to less). */
export const MAX_FIELD_BYTES = 64 * 1024 * 1024;

/** The algorithm an object's flags name, or undefined for an uncompressed object. */
export function compressionOf(flags: number): "xz" | "lz4" | "zstd" | undefined {
  if (flags & OBJECT_COMPRESSED_XZ) return "xz";
  if (flags & OBJECT_COMPRESSED_LZ4) return "lz4";
  if (flags & OBJECT_COMPRESSED_ZSTD) return "zstd";
  return undefined;
}

function lz4(payload: Uint8Array): Uint8Array {
  if (payload.length < 8) throw new Error(`lz4: payload of ${payload.length} bytes is too short`);
  const size = Number(Buffer.from(payload.buffer, payload.byteOffset, 8).readBigUInt64LE(0));
  if (size > MAX_FIELD_BYTES) throw new Error(`lz4: field of ${size} bytes is larger than ${MAX_FIELD_BYTES}`);
  const out = new Uint8Array(size);
  const n = decompressBlock(payload, out, 8, payload.length - 8, 0);
  if (n !== size) throw new Error(`lz4: the block decodes to ${n} bytes, the object says ${size}`);
  return out;
}

/** xz-decompress is a CommonJS bundle (no named exports for Node's ESM loader); loaded on first use. */
async function xzStream(source: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const mod = (await import("xz-decompress")) as typeof import("xz-decompress") & { default?: typeof import("xz-decompress") };
  const XzReadableStream = mod.XzReadableStream ?? mod.default!.XzReadableStream;
  return new XzReadableStream(source);
}

async function xz(payload: Uint8Array): Promise<Uint8Array> {
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(payload);
      c.close();
    },
  });
  const parts: Uint8Array[] = [];
  let n = 0;
  const reader = (await xzStream(source)).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > MAX_FIELD_BYTES) throw new Error(`xz: field is larger than ${MAX_FIELD_BYTES} bytes`);
      parts.push(value);
    }
  } catch (err) {
    throw new Error(`xz: ${(err as Error).message}`);
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(parts);
}

function zstd(payload: Uint8Array): Uint8Array {
  try {
    return zstdDecompress(payload);
  } catch (err) {
    throw new Error(`zstd: ${(err as Error).message}`);
  }
}

/** A DATA object's payload as stored (`KEY=value` bytes): decompressed per its flags. Throws on damaged data. */
export async function decompressField(flags: number, payload: Uint8Array): Promise<Uint8Array> {
  switch (compressionOf(flags)) {
    case "xz":
      return xz(payload);
    case "lz4":
      return lz4(payload);
    case "zstd":
      return zstd(payload);
    default:
      return payload;
  }
}
