/**
 * parse_csv() and parse_lines() over text given directly (accessor `data`): reading files is
 * the agent's job (its builtins read through file accessors).
 */
import { OrderedDict } from "../../values/ordered-dict";
import { arg } from "../arg";
import { definePlugin } from "../define";
import type { BuiltinContext } from "../types";

function dataOnly(accessor: string, ctx: BuiltinContext): boolean {
  if (accessor === "data" || accessor === "") return true;
  ctx.log("ERROR", `${ctx.name}: accessor \`${accessor}\` is not available here; only \`data\` is portable`);
  return false;
}

/** RFC 4180 records (quotes, doubled quotes, newlines inside quotes). */
export function* csvRecords(text: string, sep: string, comment: string | undefined): Generator<string[]> {
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (comment && text.startsWith(comment, i)) {
      const e = text.indexOf("\n", i);
      i = e < 0 ? n : e + 1;
      continue;
    }
    const rec: string[] = [];
    for (;;) {
      let field = "";
      if (text[i] === '"') {
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            field += text.slice(i);
            i = n;
            break;
          }
          field += text.slice(i, q);
          i = q + 1;
          if (text[i] === '"') {
            field += '"';
            i++;
          } else break;
        }
        while (i < n && text[i] !== sep && text[i] !== "\n" && text[i] !== "\r") field += text[i++];
      } else {
        while (i < n && text[i] !== sep && text[i] !== "\n" && text[i] !== "\r") field += text[i++];
      }
      rec.push(field);
      if (text[i] === sep) {
        i++;
        continue;
      }
      if (text[i] === "\r") i++;
      if (text[i] === "\n") i++;
      break;
    }
    if (!(rec.length === 1 && rec[0] === "")) yield rec;
  }
}

export const parseCsvPlugin = definePlugin({
  name: "parse_csv",
  category: "parsers",
  doc: "Rows from CSV text (accessor `data`: `filename` holds the text): one row per record, keyed by the header.",
  args: {
    filename: arg.string().required().doc("The CSV text (with accessor `data`)."),
    accessor: arg.string().default("data").doc("Only `data` is portable."),
    auto_headers: arg.bool().default(false).doc("Name columns Field0, Field1... and treat the first line as data."),
    separator: arg.string().default(",").doc("Field separator (one character)."),
    comment: arg.string().doc("Lines starting with this are skipped."),
    columns: arg.list(arg.string()).doc("Column names to use instead of the header line."),
  },
  *run({ filename, accessor, auto_headers, separator, comment, columns }, ctx) {
    if (!dataOnly(accessor, ctx)) return;
    let header: string[] | undefined = columns;
    for (const rec of csvRecords(filename, separator || ",", comment)) {
      if (!header) {
        if (!auto_headers) {
          header = rec;
          continue;
        }
        header = rec.map((_, i) => `Field${i}`);
      }
      const row = new OrderedDict();
      rec.forEach((v, i) => row.set(header![i] ?? `Field${i}`, v));
      yield row;
    }
  },
});

export const parseLinesPlugin = definePlugin({
  name: "parse_lines",
  category: "parsers",
  doc: "One row `{Line}` per line of text (accessor `data`: `filename` holds the text).",
  args: {
    filename: arg.string().required().doc("The text (with accessor `data`)."),
    accessor: arg.string().default("data").doc("Only `data` is portable."),
  },
  *run({ filename, accessor }, ctx) {
    if (!dataOnly(accessor, ctx)) return;
    const lines = filename.split(/\r?\n/);
    if (lines.at(-1) === "") lines.pop();
    for (const Line of lines) yield { Line };
  },
});
