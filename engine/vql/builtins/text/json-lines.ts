/**
 * parse_jsonl(): one row per line of JSON lines text (accessor `data`), as Velociraptor's
 * (vql/parsers/json.go): an object line is the row (key order kept), any other JSON value a
 * `{_value}` row; empty lines are skipped, and invalid lines are skipped with a log line.
 */
import { isDictLike } from "../../values/ordered-dict";
import { arg } from "../arg";
import { definePlugin } from "../define";
import { DATA_ACCESSOR_DOC, dataText } from "../data/data-source";
import { parseJsonOrdered } from "./json-parse";

export const parseJsonlPlugin = definePlugin({
  name: "parse_jsonl",
  category: "parsers",
  doc: "Rows from line-oriented JSON (accessor `data`: `filename` holds the text): objects are rows, other values `{_value}` rows.",
  args: {
    filename: arg.string().required().doc("JSON file to open (with accessor `data`: the JSON lines text)."),
    accessor: arg.string().default("auto").doc(DATA_ACCESSOR_DOC),
  },
  async *run({ filename, accessor }, ctx) {
    const text = await dataText(filename, accessor, ctx);
    if (text === undefined) return;
    let count = 0;
    let pos = 0;
    while (pos < text.length) {
      ctx.signal.throwIfAborted();
      const nl = text.indexOf("\n", pos);
      const line = text.slice(pos, nl < 0 ? text.length : nl);
      pos = nl < 0 ? text.length : nl + 1;
      if (line === "") continue;
      count++;
      try {
        const v = parseJsonOrdered(line);
        yield line.startsWith("{") && isDictLike(v) ? v : { _value: v };
      } catch (err) {
        ctx.log("ERROR", `parse_jsonl: error at line ${count}: ${(err as Error).message} skipping all invalid lines`);
      }
    }
  },
});
