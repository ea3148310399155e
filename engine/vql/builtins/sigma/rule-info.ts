// What detection rules and correlation rules share: the rule's descriptive fields as the
// `_Rule` dict Velociraptor's sigma() emits (Title first, then the fields a rule sets, empty
// ones left out), and the small value helpers both compilers use.
import { OrderedDict } from "../../values/ordered-dict";

export function str(v: unknown): string {
  return v === null || v === undefined ? "" : String(v);
}

/** A YAML value as VQL values: maps become ordered dicts, dates ISO text. */
export function toDict(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toDict);
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === "object") {
    const d = new OrderedDict();
    for (const [k, x] of Object.entries(v)) d.set(k, toDict(x));
    return d;
  }
  return v;
}

/** Sets `key` unless the value is empty (undefined, null, "" or []). */
export function putSet(info: OrderedDict, key: string, v: unknown): void {
  if (v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0)) return;
  info.set(key, toDict(v));
}

/** Title, then ID, Name, Status, Description, Author, Level, References, Tags, Date, Modified, FalsePositives. */
export function ruleInfo(doc: Record<string, unknown>, title: string): OrderedDict {
  const info = new OrderedDict();
  info.set("Title", title);
  putSet(info, "ID", doc.id);
  putSet(info, "Name", doc.name);
  putSet(info, "Status", doc.status);
  putSet(info, "Description", doc.description);
  putSet(info, "Author", doc.author);
  putSet(info, "Level", doc.level);
  putSet(info, "References", doc.references);
  putSet(info, "Tags", doc.tags);
  putSet(info, "Date", doc.date);
  putSet(info, "Modified", doc.modified);
  putSet(info, "FalsePositives", doc.falsepositives);
  return info;
}
