/** Go's text/template truth and printing of VQL values (shared by execute.ts and functions.ts). */
import { dictKeys, isDictLike } from "../../values/ordered-dict";
import { toVqlString } from "../../values/stringify";

export function goTruth(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isDictLike(v)) return dictKeys(v).length > 0;
  return true;
}

export function goPrint(v: unknown): string {
  if (v === undefined) return "<no value>";
  return toVqlString(v);
}
