/**
 * parse_csv() and parse_lines() over a file (accessor `auto`, the default as in Velociraptor:
 * read through the host's file access, data-source.ts) or over text given directly (`data`).
 */
import { fromBytes, utf8Length } from "../../values/bytes";
import { base64Decode } from "../text/encoding";
import { OrderedDict } from "../../values/ordered-dict";
import { parseJsonOrdered } from "../text/json-parse";
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

const GO_INT = /^[+-]?\d+$/;
const GO_FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/**
 * A CSV field typed as Velociraptor's CSV reader types data fields (file_store/csv/reader.go
 * ReadAny): `true`/`false` are booleans, `base64:...` is bytes, a leading space is dropped and
 * keeps the rest text, `{...}`/`[...]` are JSON when they parse, then integers
 * (strconv.Atoi) and floats (strconv.ParseFloat); anything else stays text.
 */
export function csvValue(item: string): unknown {
  if (item === "true") return true;
  if (item === "false") return false;
  if (item.startsWith("base64:")) {
    // base64.StdEncoding: padded, strict.
    const b64 = item.slice(7);
    const b = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(b64) ? base64Decode(b64) : null;
    return b ? fromBytes(b) : item;
  }
  if (item.startsWith(" ")) return item.slice(1);
  if (item.startsWith("{") || item.startsWith("[")) {
    try {
      const v = parseJsonOrdered(item, false);
      if (item.startsWith("{") ? v instanceof OrderedDict : Array.isArray(v)) return v;
    } catch {
      // Not JSON: the text itself.
    }
    return item;
  }
  if (GO_INT.test(item)) {
    const n = Number(item);
    if (Number.isSafeInteger(n) || Math.abs(n) < 9223372036854775807) return n;
  }
  if (GO_FLOAT.test(item)) {
    const l = item.replace(/^[+-]/, "").toLowerCase();
    const neg = item.startsWith("-");
    if (l === "nan") return NaN;
    if (l === "inf" || l === "infinity") return neg ? -Infinity : Infinity;
    return Number(item);
  }
  return item;
}

export const parseCsvPlugin = definePlugin({
  name: "parse_csv",
  category: "parsers",
  doc: "Rows from a CSV file (accessor `data`: `filename` holds the text): one row per record, keyed by the header; fields are typed as Velociraptor's CSV reader does (true/false, integers, floats, JSON objects and lists, `base64:` bytes; a leading space keeps the rest as text).",
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
      rec.forEach((v, i) => row.set(header![i] ?? `Field${i}`, csvValue(v)));
      yield row;
    }
  },
});

export const parseLinesPlugin = definePlugin({
  name: "parse_lines",
  category: "parsers",
  doc: "One row `{Line}` per line of a file (accessor `data`: `filename` holds the text). As Go's bufio.Scanner reads them: a UTF-8 byte order mark and each line's trailing CR are dropped, and a line of `buffer_size` bytes or more (default 64 KiB) ends the rows with an ERROR.",
  args: {
    filename: arg.string().required().doc("A file to parse (with accessor `data`: the text)."),
    accessor: arg.string().default("auto").doc(DATA_ACCESSOR_DOC),
    buffer_size: arg.int().min(0).doc("Longest line in bytes, its newline included (default 64 KiB)."),
  },
  async *run({ filename, accessor, buffer_size }, ctx) {
    const data = await dataText(filename, accessor, ctx);
    if (data === undefined) return;
    // Velociraptor vql/parsers/syslog/scanner.go: bufio.Scanner with scanner.Buffer(buffer_size).
    const max = buffer_size && buffer_size > 0 ? buffer_size : 64 * 1024;
    const text = data.startsWith("\ufeff") ? data.slice(1) : data;
    const lines = text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    for (const raw of lines) {
      if (utf8Length(raw) >= max) {
        ctx.log("ERROR", "parse_lines: bufio.Scanner: token too long");
        return;
      }
      yield { Line: raw.endsWith("\r") ? raw.slice(0, -1) : raw };
    }
  },
});
