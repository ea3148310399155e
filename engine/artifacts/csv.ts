// CSV text to rows, for `csv` and `artifactset` parameters: the first record names the columns,
// quoted fields may hold commas, quotes ("") and line breaks; blank lines are skipped.
import { OrderedDict } from "../vql/values/ordered-dict";

export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  let sawAny = false;
  const endRecord = () => {
    record.push(field);
    if (sawAny || record.length > 1 || field !== "") records.push(record);
    record = [];
    field = "";
    sawAny = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
      sawAny = true;
    } else if (c === ",") {
      record.push(field);
      field = "";
      sawAny = true;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
    } else field += c;
  }
  if (field !== "" || record.length > 0 || sawAny) endRecord();
  return records;
}

/** Rows keyed by the header record; short records fill with "", extra fields are dropped. */
export function parseCsvRows(text: string): OrderedDict[] {
  const [header, ...body] = parseCsvRecords(text);
  if (!header) return [];
  return body.map((rec) => new OrderedDict(header.map((h, i) => [h, rec[i] ?? ""] as const)));
}

/**
 * Records back to CSV text, one per line: fields with commas, quotes, line breaks or edge
 * spaces quoted (RFC 4180), and a record of one empty field written `""` so it is not a blank line.
 */
export function formatCsvRecords(records: readonly (readonly string[])[]): string {
  const field = (f: string) => (/[",\r\n]|^\s|\s$/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  return records.map((r) => (r.length === 1 && r[0] === "" ? '""' : r.map(field).join(",")) + "\n").join("");
}
