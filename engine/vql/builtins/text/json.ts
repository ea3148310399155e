/** parse_json(), parse_json_array() (function and plugin). serialize() is in serialize.ts. */
import { isDictLike } from "../../values/ordered-dict";
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
  args: {
    data: arg.string().required().doc("JSON text of an object."),
    schema: arg.list(arg.string()).doc("JSON schemas to validate against (not supported: logged and ignored)."),
  },
  run({ data, schema }, ctx) {
    if (schema?.length) ctx.log("WARN", `${ctx.name}: schema validation is not supported; the data is returned unvalidated`);
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
  args: {
    data: arg.string().required().doc("JSON text of an array."),
    schema: arg.list(arg.string()).doc("JSON schemas to validate against (not supported: logged and ignored)."),
  },
  run({ data, schema }, ctx) {
    if (schema?.length) ctx.log("WARN", `${ctx.name}: schema validation is not supported; the data is returned unvalidated`);
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
  args: {
    data: arg.string().required().doc("JSON text of an array."),
    schema: arg.list(arg.string()).doc("JSON schemas to validate against (not supported: logged and ignored)."),
  },
  *run({ data, schema }, ctx) {
    if (schema?.length) ctx.log("WARN", `${ctx.name}: schema validation is not supported; the data is returned unvalidated`);
    const v = parseOrLog(data, ctx);
    if (!Array.isArray(v)) {
      if (v !== undefined) ctx.log("ERROR", "parse_json_array: expected a JSON array");
      return;
    }
    for (const x of v) yield isDictLike(x) ? x : { _value: x };
  },
});
