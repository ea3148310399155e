/** Membership protocol `a IN b` (REFERENCE §6.5). */
import { Bytes, bytesOf } from "./bytes";
import { dictGet, isDictLike } from "./ordered-dict";
import { equals } from "./equality";

function bytesIncludes(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

export function isMember(a: unknown, b: unknown): boolean {
  if (b === null || b === undefined) return false;
  if (Array.isArray(b)) {
    for (const x of b) if (equals(a, x)) return true;
    return false;
  }
  if (typeof b === "string") {
    if (typeof a === "string") return b.includes(a);
    if (a instanceof Bytes) return bytesIncludes(bytesOf(b), a.bytes);
    return false;
  }
  if (b instanceof Bytes) {
    if (typeof a === "string" || a instanceof Bytes) return bytesIncludes(b.bytes, bytesOf(a));
    return false;
  }
  if (isDictLike(b)) return typeof a === "string" && dictGet(b, a) !== undefined;
  return false;
}
