// tlsh_hash(path, accessor): the TLSH similarity digest of a file (or of `path` itself with
// accessor data), as Velociraptor's (glaslos/tlsh): 70 lowercase hex digits, no "T1" prefix;
// NULL when the file cannot be read or TLSH gives no digest for it (under 512 bytes, or too
// uniform). The digest is computed by the `tlsh` package, whose output matches Trend Micro's
// reference implementation (engine/client/plugins/tlsh.test.ts); it needs the whole input in
// memory, so files past 100 MiB are refused.
import tlsh from "tlsh";
import { abortable, arg, defineFunction } from "@/engine/vql";
import { agentHost } from "./host";
import { accessorProblem } from "./values";

/** The largest input hashed (the whole file is held in memory, as bytes and as a latin1 string). */
export const TLSH_MAX_BYTES = 100 * 1024 * 1024;

/** The digest of `bytes`, or null when TLSH gives none (too short or too uniform). */
export function tlshDigest(bytes: Uint8Array): string | null {
  try {
    return tlsh(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1")).toLowerCase();
  } catch {
    return null;
  }
}

export const tlshHashFunction = defineFunction({
  name: "tlsh_hash",
  category: "client",
  doc: "The TLSH similarity digest of a file (70 lowercase hex digits); NULL when it cannot be read, is under 512 bytes or too uniform for TLSH, or is over 100 MiB.",
  args: {
    path: arg.string().required().doc("The file to hash."),
    accessor: arg.string().default("auto").doc("auto or file; data hashes the text of `path`."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async run({ path, accessor }, ctx) {
    if (accessor === "data") return tlshDigest(Buffer.from(path));
    const problem = accessorProblem(accessor, "tlsh_hash");
    if (problem) {
      ctx.log("ERROR", problem);
      return null;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of abortable(agentHost(ctx.host).system.fs.read(path, { length: TLSH_MAX_BYTES + 1, signal: ctx.signal }), ctx.signal)) {
        chunks.push(chunk);
        size += chunk.length;
        if (size > TLSH_MAX_BYTES) {
          ctx.log("INFO", `tlsh_hash: ${path} is larger than 100 MiB: not hashed`);
          return null;
        }
      }
    } catch {
      // Velociraptor returns NULL without a log line when the file cannot be opened.
      ctx.signal.throwIfAborted();
      return null;
    }
    return tlshDigest(Buffer.concat(chunks, size));
  },
});
