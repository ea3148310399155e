/**
 * JSON text of VQL values with key order preserved (our own serializer: plain JS objects would
 * reorder integer-like keys). Timestamps become RFC3339 strings, Bytes become text with U+FFFD
 * for invalid sequences, floats print like Go's encoding/json.
 */
import { Bytes } from "./bytes";
import { jsonNumber } from "./go-number";
import { isPlainObject, OrderedDict, type Row } from "./ordered-dict";
import { LazyValue, QueryValue } from "./query";
import { Timestamp } from "./timestamp";

export interface JsonOptions {
  /** Indent unit (Go's MarshalIndent uses one space in serialize()); omitted = compact. */
  indent?: string;
}

/** JSON text of any VQL value. */
export function toJsonText(v: unknown, opts: JsonOptions = {}): string {
  const out: string[] = [];
  write(v, out, opts.indent ?? "", "", new Set());
  return out.join("");
}

/** JSON text of one row, keys in column order. */
export function rowToJson(row: Row | Record<string, unknown>): string {
  return toJsonText(row);
}

function writeString(s: string, out: string[]): void {
  out.push(JSON.stringify(s));
}

function write(v: unknown, out: string[], unit: string, indent: string, seen: Set<object>): void {
  if (v === null || v === undefined) return void out.push("null");
  switch (typeof v) {
    case "string":
      return writeString(v, out);
    case "number":
      return void out.push(jsonNumber(v));
    case "boolean":
      return void out.push(v ? "true" : "false");
    case "bigint":
      return void out.push(v.toString());
    case "function":
    case "symbol":
      return void out.push("null");
  }
  const o = v as object;
  if (o instanceof Timestamp) return writeString(o.toString(), out);
  if (o instanceof Bytes) return writeString(o.toString(), out);
  if (o instanceof QueryValue || o instanceof LazyValue) return void out.push("null");
  if (o instanceof Date) return writeString(Timestamp.fromDate(o).toString(), out);
  if (seen.has(o)) return void out.push("null");
  seen.add(o);
  try {
    if (Array.isArray(o)) return writeArray(o, out, unit, indent, seen);
    if (o instanceof OrderedDict) return writeEntries(o.keys(), o.values(), out, unit, indent, seen);
    if (o instanceof Map) {
      const ks = [...o.keys()].map(String);
      return writeEntries(ks, [...o.values()], out, unit, indent, seen);
    }
    if (o instanceof Uint8Array) return writeString(new Bytes(o).toString(), out);
    if (!isPlainObject(o) && typeof (o as { toJSON?: unknown }).toJSON === "function") {
      return write((o as { toJSON(): unknown }).toJSON(), out, unit, indent, seen);
    }
    const ks = Object.keys(o);
    return writeEntries(ks, ks.map((k) => (o as Record<string, unknown>)[k]), out, unit, indent, seen);
  } finally {
    seen.delete(o);
  }
}

function writeArray(a: readonly unknown[], out: string[], unit: string, indent: string, seen: Set<object>): void {
  if (a.length === 0) return void out.push("[]");
  const inner = indent + unit;
  out.push("[");
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out.push(",");
    if (unit) out.push("\n", inner);
    write(a[i], out, unit, inner, seen);
  }
  if (unit) out.push("\n", indent);
  out.push("]");
}

function writeEntries(
  ks: readonly string[],
  vs: readonly unknown[],
  out: string[],
  unit: string,
  indent: string,
  seen: Set<object>,
): void {
  if (ks.length === 0) return void out.push("{}");
  const inner = indent + unit;
  out.push("{");
  for (let i = 0; i < ks.length; i++) {
    if (i > 0) out.push(",");
    if (unit) out.push("\n", inner);
    writeString(ks[i]!, out);
    out.push(unit ? ": " : ":");
    write(vs[i], out, unit, inner, seen);
  }
  if (unit) out.push("\n", indent);
  out.push("}");
}

/**
 * A JSON-compatible plain value (objects, arrays, primitives). Dict key order is kept except
 * that JS moves integer-like keys first; use toJsonText when exact order matters.
 */
export function toJsonValue(v: unknown): unknown {
  return JSON.parse(toJsonText(v));
}
