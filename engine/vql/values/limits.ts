/**
 * Size limits on what a query can build: a materialised LET (rows, estimated bytes), a string or
 * list an operator or builtin makes, and the input a regular expression scans. The value limits
 * are per thread (setValueLimits: the server sets them from its configuration in every query
 * worker); the LET limits come with each run (RunOptions.limits). A limit hit throws
 * VqlLimitError, which ends the query with VQL3016 (inside a builtin: its value is NULL, VQL3012).
 */

export interface VqlLimits {
  /** Rows a `LET X <= SELECT ...` may collect. */
  maxLetRows: number;
  /** Estimated bytes a materialised LET may hold (strings count 2 bytes a character). */
  maxLetBytes: number;
  /** Characters in a string built by `+`, `*`, format(), join(), str repeat... */
  maxStringLength: number;
  /** Items in a list built by `+` or a builtin that concatenates lists. */
  maxListLength: number;
  /** Characters a regular expression scans in one call. */
  maxRegexInput: number;
}

export const DEFAULT_LIMITS: Readonly<VqlLimits> = Object.freeze({
  maxLetRows: 1_000_000,
  maxLetBytes: 512 * 1024 * 1024,
  maxStringLength: 16 * 1024 * 1024,
  maxListLength: 10_000_000,
  maxRegexInput: 8 * 1024 * 1024,
});

/** Where each limit is configured (the host names its setting in error messages). */
export type LimitHints = Partial<Record<keyof VqlLimits, string>>;

let current: VqlLimits = { ...DEFAULT_LIMITS };
let hints: LimitHints = {};

/** This thread's value limits (string, list and regex input sizes). */
export function valueLimits(): Readonly<VqlLimits> {
  return current;
}

/** Replaces this thread's limits (unset ones keep their default) and the settings named in errors. */
export function setValueLimits(limits: Partial<VqlLimits>, names: LimitHints = {}): void {
  current = { ...DEFAULT_LIMITS, ...definedOnly(limits) };
  hints = { ...names };
}

function definedOnly(l: Partial<VqlLimits>): Partial<VqlLimits> {
  const out: Partial<VqlLimits> = {};
  for (const [k, v] of Object.entries(l)) if (typeof v === "number" && v > 0) out[k as keyof VqlLimits] = v;
  return out;
}

export class VqlLimitError extends Error {
  override readonly name = "VqlLimitError";
  constructor(
    readonly limit: keyof VqlLimits,
    message: string,
  ) {
    super(message);
  }
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/** The error for a limit: `message`, then the setting that raises it when the host named one. */
export function limitError(limit: keyof VqlLimits, message: string): VqlLimitError {
  const where = hints[limit] ? ` (raise ${hints[limit]})` : "";
  return new VqlLimitError(limit, `${message}${where}`);
}

/** Throws when a string of `length` characters would be over the limit. */
export function checkStringLength(length: number, what: string): void {
  const max = current.maxStringLength;
  if (length > max) throw limitError("maxStringLength", `${what} would build a string of ${fmt(length)} characters, over the limit of ${fmt(max)}`);
}

/** Throws when a list of `length` items would be over the limit. */
export function checkListLength(length: number, what: string): void {
  const max = current.maxListLength;
  if (length > max) throw limitError("maxListLength", `${what} would build a list of ${fmt(length)} items, over the limit of ${fmt(max)}`);
}

/** Throws when a regular expression would scan more than the limit. */
export function checkRegexInput(length: number): void {
  const max = current.maxRegexInput;
  if (length > max) throw limitError("maxRegexInput", `a regular expression over ${fmt(length)} characters of input, over the limit of ${fmt(max)}`);
}

/** The error for a materialised query that collected more than `max` rows. */
export function letRowsError(what: string, max: number): VqlLimitError {
  return limitError("maxLetRows", `${what} collects more than the limit of ${fmt(max)} rows`);
}

/** The error for a materialised query whose rows are estimated at more than `max` bytes. */
export function letBytesError(what: string, max: number): VqlLimitError {
  return limitError("maxLetBytes", `${what} collects more than the limit of ${fmt(Math.round(max / 1048576))} MiB of rows (estimated)`);
}

/** A rough size of a value in bytes (what a materialised LET is charged). */
export function estimateBytes(v: unknown, depth = 0): number {
  switch (typeof v) {
    case "string":
      return 16 + v.length * 2;
    case "number":
    case "boolean":
    case "bigint":
      return 8;
    case "undefined":
      return 8;
  }
  if (v === null) return 8;
  if (depth > 8) return 64;
  if (Array.isArray(v)) {
    let n = 16;
    for (const x of v) n += 8 + estimateBytes(x, depth + 1);
    return n;
  }
  const o = v as { keys?: () => readonly string[]; values?: () => readonly unknown[]; bytes?: Uint8Array; byteLength?: number };
  if (o instanceof Uint8Array) return 16 + o.byteLength;
  if (o.bytes instanceof Uint8Array) return 16 + o.bytes.byteLength;
  if (typeof o.keys === "function" && typeof o.values === "function" && !(o instanceof Map)) {
    const ks = o.keys();
    const vs = o.values();
    if (Array.isArray(ks) && Array.isArray(vs)) {
      let n = 32 + ks.length * 8;
      for (const x of vs) n += 8 + estimateBytes(x, depth + 1);
      return n;
    }
  }
  if (Object.getPrototypeOf(o) === Object.prototype) {
    let n = 32;
    for (const [k, x] of Object.entries(o)) n += 16 + k.length * 2 + estimateBytes(x, depth + 1);
    return n;
  }
  return 64;
}
