/**
 * plist() function and plugin: Apple property lists (binary bplist00, XML or OpenStep text,
 * told apart by their first bytes) given with accessor `data`, parsed by the `plist` package
 * (pure JavaScript) and shaped as Velociraptor's plist() returns them (vql/parsers/plist.go,
 * through Go's JSON encoding): dict keys sorted, data as base64 text, dates as timestamps.
 */
import { XMLValidator } from "fast-xml-parser";
import { parse, parseBinary, parseOpenStep } from "plist";
import { bytesOf, type ByteString } from "../../values/bytes";
import { isDictLike, OrderedDict } from "../../values/ordered-dict";
import { Timestamp } from "../../values/timestamp";
import { arg } from "../arg";
import { defineFunction, definePlugin } from "../define";
import type { BuiltinContext } from "../types";
import { base64Encode } from "../text/encoding";
import { DATA_ACCESSOR_DOC, dataBytes } from "./data-source";

function toVql(v: unknown, depth = 0): unknown {
  if (depth > 200) throw new Error("plist nested too deeply");
  if (v instanceof Uint8Array) return base64Encode(v);
  if (v instanceof Date) return Timestamp.fromDate(v);
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map((x) => toVql(x, depth + 1));
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return new OrderedDict(
      Object.keys(o)
        .sort()
        .map((k) => [k, toVql(o[k], depth + 1)] as const),
    );
  }
  return v ?? null;
}

/** The plist's value; throws on malformed data. */
export function parsePlist(data: Uint8Array): unknown {
  const head = new TextDecoder().decode(data.subarray(0, 64)).replace(/^\uFEFF/, "").trimStart();
  if (head.startsWith("bplist00")) return toVql(parseBinary(data));
  const text = new TextDecoder().decode(data);
  if (!head.startsWith("<")) return toVql(parseOpenStep(text));
  // Checked first: the plist package's XML reader reports malformed XML on the console.
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`invalid XML: ${valid.err.msg} (line ${valid.err.line})`);
  return toVql(parse(text));
}

async function readPlist(file: ByteString, accessor: string, ctx: BuiltinContext): Promise<{ value: unknown } | undefined> {
  const bytes = accessor === "data" ? bytesOf(file) : await dataBytes(String(file), accessor, ctx);
  if (!bytes) return undefined;
  try {
    return { value: parsePlist(bytes) };
  } catch (err) {
    ctx.log("ERROR", `plist: ${(err as Error).message}`);
    return undefined;
  }
}

export const plistFunction = defineFunction({
  name: "plist",
  category: "parsers",
  doc: "Parse a plist (binary, XML or OpenStep; accessor `data`: `file` holds the content) into a dict or list.",
  args: {
    file: arg.bytes().required().doc("The plist to parse (with accessor `data`: its content)."),
    accessor: arg.string().default("auto").doc(DATA_ACCESSOR_DOC),
  },
  async run({ file, accessor }, ctx) {
    return (await readPlist(file, accessor, ctx))?.value ?? null;
  },
});

export const plistPlugin = definePlugin({
  name: "plist",
  category: "parsers",
  doc: "One row per plist (accessor `data`: each `file` holds a content): a dict plist is the row, any other value a `{_value}` row.",
  args: {
    file: arg.list(arg.bytes()).required().doc("A list of plists to parse (with accessor `data`: their contents)."),
    accessor: arg.string().default("auto").doc(DATA_ACCESSOR_DOC),
  },
  async *run({ file, accessor }, ctx) {
    for (const f of file) {
      ctx.signal.throwIfAborted();
      const r = await readPlist(f, accessor, ctx);
      if (r) yield isDictLike(r.value) ? r.value : { _value: r.value };
    }
  },
});
