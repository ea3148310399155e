/** parse_json(), parse_json_array() (function and plugin), serialize(). */
import { Bytes, textOf } from "../../values/bytes";
import { isDictLike, dictKeys, dictGet } from "../../values/ordered-dict";
import { toJsonText } from "../../values/json";
import { QueryValue } from "../../values/query";
import { toVqlString } from "../../values/stringify";
import { stringify as yamlStringify } from "yaml";
import { arg } from "../arg";
import { defineFunction, definePlugin } from "../define";
import { parseJsonOrdered } from "./json-parse";
import type { BuiltinContext } from "../types";

function parseOrLog(data: string, ctx: BuiltinContext): unknown {
  try {
    return parseJsonOrdered(data);
  } catch (e) {
    ctx.log("ERROR", `${ctx.name}: ${(e as Error).message}`);
    return undefined;
  }
}

export const parseJsonFunction = defineFunction({
  name: "parse_json",
  category: "parsers",
  doc: "Parse a JSON object into a dict (key order kept; RFC3339 strings become timestamps). Other JSON values give NULL.",
  args: { data: arg.string().required().doc("JSON text of an object.") },
  run({ data }, ctx) {
    if (!data.trimStart().startsWith("{")) {
      ctx.log("ERROR", "parse_json: expected a JSON object (use parse_json_array for arrays)");
      return null;
    }
    return parseOrLog(data, ctx) ?? null;
  },
});

export const parseJsonArrayFunction = defineFunction({
  name: "parse_json_array",
  category: "parsers",
  doc: "Parse a JSON array into a list.",
  args: { data: arg.string().required().doc("JSON text of an array.") },
  run({ data }, ctx) {
    const v = parseOrLog(data, ctx);
    if (v === undefined) return null;
    if (!Array.isArray(v)) {
      ctx.log("ERROR", "parse_json_array: expected a JSON array");
      return null;
    }
    return v;
  },
});

export const parseJsonArrayPlugin = definePlugin({
  name: "parse_json_array",
  category: "parsers",
  doc: "Rows from a JSON array: objects become rows, other elements `{_value}` rows.",
  args: { data: arg.string().required().doc("JSON text of an array.") },
  *run({ data }, ctx) {
    const v = parseOrLog(data, ctx);
    if (!Array.isArray(v)) {
      if (v !== undefined) ctx.log("ERROR", "parse_json_array: expected a JSON array");
      return;
    }
    for (const x of v) yield isDictLike(x) ? x : { _value: x };
  },
});

function csvField(v: unknown): string {
  const s = typeof v === "string" ? v : v instanceof Bytes ? textOf(v) : isDictLike(v) || Array.isArray(v) ? toJsonText(v) : toVqlString(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of rows: the header is the first row's keys (later new keys are appended). */
export function toCsv(rows: unknown[]): string {
  const header: string[] = [];
  for (const r of rows) if (isDictLike(r)) for (const k of dictKeys(r)) if (!header.includes(k)) header.push(k);
  const lines = [header.map(csvField).join(",")];
  for (const r of rows) lines.push(header.map((k) => (isDictLike(r) ? csvField(dictGet(r, k) ?? "") : "")).join(","));
  return lines.join("\n") + "\n";
}

function toPlain(v: unknown): unknown {
  return JSON.parse(toJsonText(v));
}

export async function serializeValue(item: unknown, format: string, ctx: BuiltinContext): Promise<string | null> {
  const v = item instanceof QueryValue ? await ctx.materialize(item) : await ctx.materialize(item);
  switch (format) {
    case "json":
      return toJsonText(v, { indent: " " });
    case "jsonl":
      return (Array.isArray(v) ? v : [v]).map((x) => toJsonText(x)).join("\n") + "\n";
    case "yaml":
      return yamlStringify(toPlain(v));
    case "csv":
      return toCsv(Array.isArray(v) ? v : [v]);
    default:
      ctx.log("ERROR", `serialize: unknown format \`${format}\`; expected json, jsonl, yaml or csv`);
      return null;
  }
}

export const serializeFunction = defineFunction({
  name: "serialize",
  category: "basic",
  doc: "Encode a value as text: `json` (one-space indented), `jsonl`, `yaml` or `csv` (a list of rows).",
  args: {
    item: arg.any().required().doc("The value (queries are expanded to their rows)."),
    format: arg.string().default("json").doc("json, jsonl, yaml or csv."),
  },
  run({ item, format }, ctx) {
    return serializeValue(item, format, ctx);
  },
});
