/**
 * gunzip(): the uncompressed content of gzip data, as Velociraptor's gunzip()
 * (vql/functions/gunzip.go): FALSE with a log line when the data is not gzip. Decompression is
 * fflate's (pure JavaScript, so the function stays portable); the output is cut at `max_bytes`.
 */
import { Gunzip } from "fflate";
import { bytesOf, fromBytes } from "../../values/bytes";
import { arg } from "../arg";
import { defineFunction } from "../define";

/** Velociraptor's MAX_MEMORY_LARGE: the cap when max_bytes is 0, negative or larger. */
const MAX_BYTES = 100 * 1024 * 1024;

/** Decompresses gzip members until `limit` output bytes; throws on bad data. */
export function gunzipBytes(data: Uint8Array, limit: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let full = false;
  const g = new Gunzip((chunk) => {
    if (full) return;
    const room = limit - total;
    const take = chunk.length > room ? chunk.subarray(0, room) : chunk;
    parts.push(take.slice());
    total += take.length;
    if (total >= limit) full = true;
  });
  g.push(data, true);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const gunzipFunction = defineFunction({
  name: "gunzip",
  category: "encode",
  doc: "Uncompress a gzip-compressed block of data (FALSE when it is not gzip).",
  args: {
    string: arg.bytes().required().doc("Data to apply Gunzip."),
    max_bytes: arg.int().default(0).doc("Maximum length of bytes to read into memory (0: 100 MiB, also the most)."),
  },
  version: 2,
  argErrorValue: false,
  run({ string, max_bytes }, ctx) {
    const limit = max_bytes <= 0 || max_bytes > MAX_BYTES ? MAX_BYTES : max_bytes;
    const data = bytesOf(string);
    if (data.length < 2 || data[0] !== 0x1f || data[1] !== 0x8b) {
      ctx.log("ERROR", "Gunzip: gzip: invalid header");
      return false;
    }
    try {
      return fromBytes(gunzipBytes(data, limit));
    } catch (err) {
      ctx.log("ERROR", `Gunzip: ${(err as Error).message}`);
      return false;
    }
  },
});
