/**
 * split_records() and parse_records_with_regex(): rows from text split into records, as
 * Velociraptor's (vql/parsers/splitparser.go, regexparser.go), over text given with accessor
 * `data`. Both read the text through a window of `buffer_size` characters as Velociraptor reads
 * its buffer: a record longer than that is cut, and a window where no regex matches is dropped.
 */
import { compileRegex, isRegexError, type CompiledRegex } from "../../regex/compile";
import { OrderedDict } from "../../values/ordered-dict";
import { arg } from "../arg";
import { definePlugin } from "../define";
import type { BuiltinContext } from "../types";
import { DATA_ACCESSOR_DOC, dataText } from "./data-source";

const DEFAULT_BUFFER = 64 * 1024;

function compile(pattern: string, ctx: BuiltinContext, caseInsensitive = false): CompiledRegex | null {
  const re = compileRegex(pattern, { caseInsensitive });
  if (isRegexError(re)) {
    ctx.log("ERROR", `${ctx.name}: ${re.error}`);
    return null;
  }
  return re;
}

/** Go's Regexp.Split(s, n): n < 0 all pieces; n > 0 at most n (the last is the rest). */
export function splitN(re: CompiledRegex, s: string, n: number): string[] {
  if (n === 0) return [];
  if (s.length === 0) return [""];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of re.matchAll(s)) {
    if (n > 0 && out.length === n - 1) break;
    end = m[0]!;
    if (m[1] !== 0) out.push(s.slice(beg, end));
    beg = m[1]!;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

const sanitize = (s: string) => s.replace(/[^a-zA-Z0-9]/g, "_");

export const splitRecordsPlugin = definePlugin({
  name: "split_records",
  category: "parsers",
  doc: "Rows from text split into records (lines by default) and each record into columns by a regex (whitespace by default).",
  args: {
    filenames: arg.list(arg.string()).required().doc("Files to parse (with accessor `data`: the texts)."),
    accessor: arg.string().default("auto").doc(DATA_ACCESSOR_DOC),
    regex: arg.string().default("").doc("The split regular expression (e.g. a comma, default whitespace)."),
    columns: arg.list(arg.string()).doc("If the first row is not the headers, this arg must provide a list of column names for each value."),
    first_row_is_headers: arg.bool().default(false).doc("A bool indicating if we should get column names from the first row."),
    count: arg.int().default(0).doc("Only split into this many columns if possible."),
    record_regex: arg.string().default("").doc("A regex to split data into records (default \\n)."),
    buffer_size: arg.int().default(0).min(0).doc("Maximum size of a record (default 64kb)."),
  },
  version: 2,
  async *run({ filenames, accessor, regex, columns, first_row_is_headers, count, record_regex, buffer_size }, ctx) {
    const split = compile(regex || "\\s+", ctx);
    const record = compile(record_regex || "\\n", ctx);
    if (!split || !record) return;
    const size = buffer_size || DEFAULT_BUFFER;
    // Velociraptor keeps the columns it found across files.
    let cols: string[] = columns ? columns.slice() : [];
    for (const file of filenames) {
      const text = await dataText(file, accessor, ctx);
      if (text === undefined) continue;
      let pos = 0;
      while (pos < text.length) {
        ctx.signal.throwIfAborted();
        const window = text.slice(pos, pos + size);
        const m = record.exec(window);
        const lineEnd = m ? m[0]! : window.length;
        const next = m ? m[1]! : window.length;
        const items = splitN(split, window.slice(0, lineEnd), count === 0 ? -1 : count);
        pos += next > 0 ? next : Math.max(lineEnd, 1);
        if (cols.length === 0) {
          if (first_row_is_headers) {
            let n = 1;
            for (const item of items) cols.push(sanitize(cols.includes(item) ? `${item}${n++}` : item));
            continue;
          }
          cols = items.map((_, i) => `Column${i}`);
        }
        const row = new OrderedDict();
        cols.forEach((c, i) => row.set(c, i < items.length ? items[i] : null));
        yield row;
      }
    }
  },
});

export const parseRecordsWithRegexPlugin = definePlugin({
  name: "parse_records_with_regex",
  category: "parsers",
  doc: "Rows of the matches of a set of regexps in text: each match of the first regex that matches becomes a row of its capture groups (named, or g1, g2...), then the search goes on after it.",
  args: {
    file: arg.list(arg.string()).required().doc("A list of files to parse (with accessor `data`: the texts)."),
    regex: arg.list(arg.string()).required().doc("A list of regex to apply to the file data (case-insensitive)."),
    accessor: arg.string().default("auto").doc(DATA_ACCESSOR_DOC),
    buffer_size: arg.int().default(0).min(0).doc("Maximum size of the buffer searched at once (default 64kb)."),
  },
  async *run({ file, regex, accessor, buffer_size }, ctx) {
    const compiled: CompiledRegex[] = [];
    const captures: string[] = [];
    for (const r of regex) {
      const re = compile(r, ctx, true);
      if (!re) return;
      compiled.push(re);
      for (const n of re.groupNames) if (n && !captures.includes(n)) captures.push(n);
    }
    const size = buffer_size || DEFAULT_BUFFER;
    for (const f of file) {
      const text = await dataText(f, accessor, ctx);
      if (text === undefined) continue;
      let pos = 0;
      next: while (pos < text.length) {
        ctx.signal.throwIfAborted();
        const window = text.slice(pos, pos + size);
        for (const re of compiled) {
          const m = re.exec(window);
          if (!m) continue;
          const row = new OrderedDict([["FullPath", f]]);
          for (const c of captures) row.set(c, "");
          for (let g = 1; g <= re.groupCount; g++) {
            const s = m[g * 2]!;
            if (s < 0) continue;
            row.set(re.groupNames[g] ?? `g${g}`, window.slice(s, m[g * 2 + 1]));
          }
          yield row;
          pos += m[1]! > 0 ? m[1]! : 1;
          continue next;
        }
        pos += window.length;
      }
    }
  },
});
