// What goes into each archive entry, as chunks for the zip writer: rows as JSON lines (one object
// a line, as Velociraptor's exports are) or as CSV (the header first, spreadsheet formulas
// neutralised by export/csv.ts), each from pages of rows that the caller reads from a service.
import { csvField } from "@/engine/server/export/csv";

export type Row = Record<string, unknown>;

/** One chunk of JSON lines per page; `counted(n)` after each page. */
export async function* jsonLines(pages: AsyncIterable<Row[]>, counted: (n: number) => void = () => {}): AsyncIterable<string> {
  for await (const page of pages) {
    let chunk = "";
    for (const row of page) chunk += JSON.stringify(row) + "\n";
    counted(page.length);
    yield chunk;
  }
}

/** A CSV header line of `columns`, then one chunk per page (values missing from a row are empty). */
export async function* csvLines(columns: string[], pages: AsyncIterable<Row[]>): AsyncIterable<string> {
  yield columns.map((c) => csvField(c)).join(",") + "\r\n";
  for await (const page of pages) {
    let chunk = "";
    for (const row of page) chunk += columns.map((c) => csvField(row[c])).join(",") + "\r\n";
    yield chunk;
  }
}

/** Rows of an async iterable grouped into pages of `size`. */
export async function* paged(rows: AsyncIterable<Row>, size: number): AsyncIterable<Row[]> {
  let page: Row[] = [];
  for await (const r of rows) {
    page.push(r);
    if (page.length >= size) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}

/** Column names in first-seen order over several lists. */
export function unionColumns(lists: Iterable<string[]>): string[] {
  const seen = new Set<string>();
  for (const l of lists) for (const c of l) seen.add(c);
  return [...seen];
}

/** Archive names made unique: a second `a/b.txt` becomes `a/b (2).txt`. */
export function uniqueNames() {
  const used = new Set<string>();
  return (name: string): string => {
    let n = name;
    for (let i = 2; used.has(n); i++) n = name.replace(/(\.[^./]*)?$/, (ext) => ` (${i})${ext}`);
    used.add(n);
    return n;
  };
}

/** A value safe in a Content-Disposition file name. */
export function fileNamePart(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, "_");
}
