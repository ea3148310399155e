/**
 * The `=~` protocol (REFERENCE §6.6): case-insensitive unanchored RE2 search of the right-hand
 * pattern in the left value. Bad patterns report through `onError` and give FALSE.
 */
import { Bytes } from "../values/bytes";
import { formatNumber } from "../values/go-number";
import { isDictLike } from "../values/ordered-dict";
import { toJsonText } from "../values/json";
import { Timestamp } from "../values/timestamp";
import { hostOp, VQL_TEXT } from "../values/host-ops";
import { compileRegex, isRegexError, type CompiledRegex } from "./compile";

/** Compiles a pattern the way `=~` does (with a `(?i)` prefix). */
export function compileMatchPattern(pattern: string): CompiledRegex | { error: string } {
  return compileRegex(pattern, { caseInsensitive: true });
}

function isMatchAll(p: string): boolean {
  return p === "" || p === "." || p === ".*";
}

/** Tests a materialised value against an already compiled `=~` pattern. */
export function matchValue(re: CompiledRegex, v: unknown): boolean {
  if (typeof v === "string") return re.test(v);
  if (v === null || v === undefined || typeof v === "boolean") return false;
  if (typeof v === "number") return re.test(formatNumber(v));
  if (Array.isArray(v)) {
    for (const x of v) if (matchValue(re, x)) return true;
    return false;
  }
  if (v instanceof Bytes) return re.test(v.toString());
  if (v instanceof Timestamp) return re.test(v.toString());
  if (isDictLike(v)) return re.test(toJsonText(v));
  const text = hostOp<() => string>(v, VQL_TEXT);
  return text ? re.test(text()) : false;
}

export function regexMatch(v: unknown, pattern: unknown, onError: (message: string) => void): boolean {
  if (typeof pattern !== "string") return false;
  if (isMatchAll(pattern)) return true;
  const re = compileMatchPattern(pattern);
  if (isRegexError(re)) {
    onError(`Compile regexp: ${re.error}`);
    return false;
  }
  return matchValue(re, v);
}
