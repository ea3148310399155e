/**
 * serialize(item, format): a value as text in Velociraptor's formats (json, yaml, csv, hex,
 * base64) plus jsonl. Queries are expanded to their rows first. CSV is written here with RFC 4180
 * quoting (fields holding a quote, comma, CR or LF, or starting with a space, are quoted and
 * their quotes doubled; lines end in "\n" as Go's encoding/csv writes them); YAML through the
 * `yaml` package, with dict key order kept.
 */
import { Document } from "yaml";
import { Bytes, bytesOf, textOf } from "../../values/bytes";
import { toJsonText } from "../../values/json";
import { dictGet, dictKeys, isDictLike } from "../../values/ordered-dict";
import { toVqlString } from "../../values/stringify";
import { Timestamp } from "../../values/timestamp";
import { formatGoLayout } from "../time/go-layout";
import { arg } from "../arg";
import { defineFunction } from "../define";
import type { BuiltinContext } from "../types";
import { base64Encode, hexEncode } from "./encoding";

export const SERIALIZE_FORMATS = ["json", "jsonl", "yaml", "csv", "hex", "base64", "string"] as const;

function csvField(v: unknown): string {
  const s = v === null || v === undefined ? "" : typeof v === "string" ? v : v instanceof Bytes ? textOf(v) : isDictLike(v) || Array.isArray(v) ? toJsonText(v) : toVqlString(v);
  return /[",\r\n]|^[ \t]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of rows: the header is every row's keys in order of first appearance. */
export function toCsv(rows: unknown[]): string {
  const header: string[] = [];
  for (const r of rows) if (isDictLike(r)) for (const k of dictKeys(r)) if (!header.includes(k)) header.push(k);
  const lines = [header.map(csvField).join(",")];
  for (const r of rows) lines.push(header.map((k) => (isDictLike(r) ? csvField(dictGet(r, k)) : "")).join(","));
  return lines.join("\n") + "\n";
}

/** A value YAML can write with dict order kept: dicts become Maps, everything else its JSON form. */
function toYamlValue(v: unknown): unknown {
  if (isDictLike(v)) return new Map(dictKeys(v).map((k) => [k, toYamlValue(dictGet(v, k))]));
  if (Array.isArray(v)) return v.map(toYamlValue);
  return JSON.parse(toJsonText(v));
}

function bytesOrNull(v: unknown, format: string, ctx: BuiltinContext): Uint8Array | null {
  if (typeof v === "string" || v instanceof Bytes) return bytesOf(v);
  ctx.log("ERROR", `${ctx.name}: \`${format}\` encodes a string, not a ${Array.isArray(v) ? "list" : isDictLike(v) ? "dict" : typeof v}`);
  return null;
}

export async function serializeValue(item: unknown, format: string, ctx: BuiltinContext): Promise<string | null> {
  const v = await ctx.materialize(item);
  switch (format) {
    case "":
    case "json":
      return toJsonText(v, { indent: " " });
    case "jsonl":
      return (Array.isArray(v) ? v : [v]).map((x) => toJsonText(x)).join("\n") + "\n";
    case "yaml":
      return new Document(toYamlValue(v)).toString();
    case "csv":
      if (Array.isArray(v)) return toCsv(v);
      if (isDictLike(v)) return toCsv([v]);
      ctx.log("ERROR", `${ctx.name}: \`csv\` needs a list of rows or a dict`);
      return null;
    case "string":
      // Velociraptor's utils.ToString: text as is, a time as RFC3339 (whole seconds, UTC), else %v.
      if (typeof v === "string") return v;
      if (v instanceof Bytes) return textOf(v);
      if (v instanceof Timestamp) return formatGoLayout(v, "RFC3339");
      return toVqlString(v);
    case "hex": {
      const b = bytesOrNull(v, format, ctx);
      return b && hexEncode(b);
    }
    case "base64": {
      const b = bytesOrNull(v, format, ctx);
      return b && base64Encode(b, false);
    }
    default:
      ctx.log("ERROR", `${ctx.name}: unknown format \`${format}\`; expected ${SERIALIZE_FORMATS.join(", ")}`);
      return null;
  }
}

export const serializeFunction = defineFunction({
  name: "serialize",
  category: "basic",
  doc: "Encode a value as text: `json` (one-space indented, the default), `jsonl` (one line per list element), `yaml`, `csv` (a list of rows, or one dict; RFC 4180 quoting), `hex` or `base64` (unpadded; strings and bytes only), `string` (text as is, a time as RFC3339, anything else as `%v`). NULL, with a logged reason, when the value does not fit the format.",
  args: {
    item: arg.any().required().doc("The value (queries are expanded to their rows)."),
    format: arg.string().default("json").doc("json, jsonl, yaml, csv, hex, base64 or string."),
  },
  run({ item, format }, ctx) {
    return serializeValue(item, format, ctx);
  },
});
