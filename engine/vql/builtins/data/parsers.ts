/**
 * parse_csv() and parse_lines() over a file (accessor `auto`, the default as in Velociraptor:
 * read through the host's file access, data-source.ts) or over text given directly (`data`).
 */
import { OrderedDict } from "../../values/ordered-dict";
import { arg } from "../arg";
import { definePlugin } from "../define";
import { DATA_ACCESSOR_DOC, dataText } from "./data-source";


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
  doc: "Rows from a CSV file (accessor `data`: `filename` holds the text): one row per record, keyed by the header.",
  args: {
    filename: arg.string().required().doc("CSV file to open (with accessor `data`: the CSV text)."),
    accessor: arg.string().default("auto").doc(DATA_ACCESSOR_DOC),
    auto_headers: arg.bool().default(false).doc("Name columns Field0, Field1... and treat the first line as data."),
    separator: arg.string().default(",").doc("Field separator (one character)."),
    comment: arg.string().doc("Lines starting with this are skipped."),
    columns: arg.list(arg.string()).doc("Column names to use instead of the header line."),
  },
  async *run({ filename, accessor, auto_headers, separator, comment, columns }, ctx) {
    const text = await dataText(filename, accessor, ctx);
    if (text === undefined) return;
    let header: string[] | undefined = columns;
    for (const rec of csvRecords(text, separator || ",", comment)) {
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
  doc: "One row `{Line}` per line of a file (accessor `data`: `filename` holds the text).",
  args: {
    filename: arg.string().required().doc("A file to parse (with accessor `data`: the text)."),
    accessor: arg.string().default("auto").doc(DATA_ACCESSOR_DOC),
  },
  async *run({ filename, accessor }, ctx) {
    const text = await dataText(filename, accessor, ctx);
    if (text === undefined) return;
    const lines = text.split(/\r?\n/);
    if (lines.at(-1) === "") lines.pop();
    for (const Line of lines) yield { Line };
  },
});
