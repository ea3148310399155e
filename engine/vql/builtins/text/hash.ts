/**
 * hash() of data given as a string (accessor `data`): MD5, SHA1 and SHA256. Hashing files is the
 * agent's job (its own hash() reads through file accessors); both share the argument rules here.
 */
import { bytesOf } from "../../values/bytes";
import { OrderedDict } from "../../values/ordered-dict";
import { arg } from "../arg";
import { defineFunction } from "../define";
import type { BuiltinContext } from "../types";
import { md5Hex, sha1Hex, sha256Hex } from "./digest";

export type HashName = "MD5" | "SHA1" | "SHA256";

/** Velociraptor's default hash size limit (vql/functions/hash.go): 100 MiB. */
const DEFAULT_MAX_SIZE = 100 * 1024 * 1024;
/** Velociraptor hashes in 64 KiB reads and drops the read that passes max_size. */
const HASH_CHUNK = 64 * 1024;

/**
 * The hashes `hashselect` asks for (all three when not given), or null (logged) for a name
 * Velociraptor does not know: it accepts md5/MD5, sha1/SHA1, sha256/SHA256 only.
 */
export function hashSelection(hashselect: string[] | undefined, ctx: BuiltinContext): Set<HashName> | null {
  if (hashselect === undefined) return new Set(["MD5", "SHA1", "SHA256"]);
  const out = new Set<HashName>();
  for (const h of hashselect) {
    if (h === "md5" || h === "MD5") out.add("MD5");
    else if (h === "sha1" || h === "SHA1") out.add("SHA1");
    else if (h === "sha256" || h === "SHA256") out.add("SHA256");
    else {
      ctx.log("ERROR", `hashselect option ${h} not recognized (should be md5, sha1, sha256)`);
      return null;
    }
  }
  return out;
}

/**
 * How many leading bytes of a `size`-byte input are hashed with `max_size` (0 or unset: the
 * HASH_MAX_SIZE scope variable, else 100 MiB). Velociraptor reads 64 KiB at a time and stops,
 * without hashing it, at the read that takes the count past the limit, so a larger input is
 * hashed up to the last whole 64 KiB within the limit (and a DEBUG-worthy line is logged).
 */
export async function hashLimit(maxSize: number | undefined, ctx: BuiltinContext): Promise<number> {
  if (maxSize) return maxSize;
  const v = await ctx.lookup("HASH_MAX_SIZE");
  return typeof v === "number" && v > 0 ? v : DEFAULT_MAX_SIZE;
}

export function hashedLength(size: number, limit: number): number {
  return size <= limit ? size : Math.floor(limit / HASH_CHUNK) * HASH_CHUNK;
}

/** Velociraptor's result: every field present, the ones not selected empty. */
export function hashResult(values: Partial<Record<HashName, string>>): OrderedDict {
  return new OrderedDict([
    ["MD5", values.MD5 ?? ""],
    ["SHA1", values.SHA1 ?? ""],
    ["SHA256", values.SHA256 ?? ""],
  ]);
}

export const hashFunction = defineFunction({
  name: "hash",
  category: "encode",
  doc: "Hashes of data: a dict with MD5, SHA1 and SHA256 (hex; the ones `hashselect` leaves out are empty). Portable form: `path` is the data itself (accessor `data`).",
  args: {
    path: arg.bytes().required().doc("The data to hash (with accessor `data`)."),
    accessor: arg.string().default("data").doc("Only `data` is portable; file accessors are provided by the agent."),
    hashselect: arg.list(arg.string()).doc("Which of md5, sha1, sha256 to compute (default all)."),
    max_size: arg.int().min(0).doc("Hash at most this many bytes (default HASH_MAX_SIZE or 100 MiB; past it, up to the last whole 64 KiB)."),
  },
  async run({ path, accessor, hashselect, max_size }, ctx) {
    if (accessor !== "data" && accessor !== "") {
      ctx.log("ERROR", `hash: accessor \`${accessor}\` is not available here; only \`data\` is portable`);
      return null;
    }
    const want = hashSelection(hashselect, ctx);
    if (!want) return null;
    const all = bytesOf(path);
    const limit = await hashLimit(max_size, ctx);
    const b = all.subarray(0, hashedLength(all.length, limit));
    if (b.length < all.length) ctx.log("INFO", `Hash of data aborted due to exceeding size`);
    return hashResult({
      MD5: want.has("MD5") ? md5Hex(b) : undefined,
      SHA1: want.has("SHA1") ? sha1Hex(b) : undefined,
      SHA256: want.has("SHA256") ? sha256Hex(b) : undefined,
    });
  },
});
