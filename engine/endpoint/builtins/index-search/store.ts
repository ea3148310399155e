// The index file index() writes and index_search() reads: an SQLite database (sql.js, in
// memory while open) holding each document's stored fields and an inverted index of its
// terms with positions (postings), numbers and dates (nums), and the mapping it was made with.
// Owns the schema and the analysis of documents; query evaluation lives in search.ts.
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue, type Statement } from "sql.js";
import { analyzerNamed, type Analyzer } from "./analyzers";
import { parseBleveDate } from "./query-string";

const FORMAT = "talon-index/1";
let engine: Promise<SqlJsStatic> | undefined;

/** How a field is indexed: Velociraptor's mapping names, resolved. */
export type FieldType = "dynamic" | "text" | "number" | "datetime" | "bool" | "ip" | "none";

/** index()'s `mapping` values (Velociraptor vql/tools/index/index.go getFieldMapping, and `none`). */
export function fieldTypeOf(name: string): FieldType | undefined {
  switch (name) {
    case "":
    case "text":
    case "en-text":
      return "text";
    case "number":
      return "number";
    case "date":
    case "datetime":
      return "datetime";
    case "bool":
      return "bool";
    case "ip":
      return "ip";
    case "none":
      return "none";
  }
  return undefined;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE IF NOT EXISTS docs(n INTEGER PRIMARY KEY, id TEXT UNIQUE, len INTEGER, stored TEXT);
CREATE TABLE IF NOT EXISTS fields(name TEXT PRIMARY KEY, ord INTEGER);
CREATE TABLE IF NOT EXISTS postings(field TEXT, term TEXT, doc INTEGER, freq INTEGER, len INTEGER, pos TEXT);
CREATE INDEX IF NOT EXISTS postings_ft ON postings(field, term);
CREATE INDEX IF NOT EXISTS postings_t ON postings(term);
CREATE INDEX IF NOT EXISTS postings_d ON postings(doc);
CREATE TABLE IF NOT EXISTS nums(field TEXT, value REAL, doc INTEGER);
CREATE INDEX IF NOT EXISTS nums_fv ON nums(field, value);
CREATE INDEX IF NOT EXISTS nums_d ON nums(doc);
`;

export interface IndexSettings {
  mapping: Record<string, FieldType>;
  defaultAnalyzer: string;
}

/** Buffers rows for one table and inserts them many to a statement (sql.js pays per call). */
class BulkInsert {
  private static readonly ROWS = 100;
  private readonly many: Statement;
  private readonly one: Statement;
  private pending: SqlValue[] = [];
  constructor(
    db: Database,
    table: string,
    private readonly width: number,
  ) {
    const row = `(${Array(width).fill("?").join(",")})`;
    this.many = db.prepare(`INSERT INTO ${table} VALUES ${Array(BulkInsert.ROWS).fill(row).join(",")}`);
    this.one = db.prepare(`INSERT INTO ${table} VALUES ${row}`);
  }
  /** Inserts what is buffered now. */
  flush(): void {
    for (let i = 0; i < this.pending.length; i += this.width) this.one.run(this.pending.slice(i, i + this.width));
    this.pending = [];
  }
  add(...values: SqlValue[]): void {
    this.pending.push(...values);
    if (this.pending.length === BulkInsert.ROWS * this.width) {
      this.many.run(this.pending);
      this.pending = [];
    }
  }
  free(): void {
    this.many.free();
    this.one.free();
  }
}

export class IndexStore {
  private nextId: number;
  private readonly fieldOrd = new Map<string, number>();

  private constructor(
    readonly db: Database,
    readonly settings: IndexSettings,
  ) {
    const r = db.exec("SELECT COALESCE(MAX(n), 0) FROM docs");
    this.nextId = Number(r[0]?.values[0]?.[0] ?? 0) + 1;
    for (const [name, ord] of db.exec("SELECT name, ord FROM fields ORDER BY ord")[0]?.values ?? []) this.fieldOrd.set(String(name), Number(ord));
  }

  /**
   * Opens an index from its file's bytes, or makes a new one. A new mapping entry is added to an
   * existing index's; an existing field keeps the type it was indexed with.
   */
  static async open(bytes: Uint8Array | undefined, settings?: IndexSettings): Promise<IndexStore> {
    const SQL = await (engine ??= initSqlJs());
    const db = bytes ? new SQL.Database(bytes) : new SQL.Database();
    try {
      if (bytes) {
        const format = db.exec("SELECT v FROM meta WHERE k = 'format'")[0]?.values[0]?.[0];
        if (format !== FORMAT) throw new Error("the file is not an index made by index()");
      } else db.run(SCHEMA);
      const stored = bytes ? (JSON.parse(String(db.exec("SELECT v FROM meta WHERE k = 'settings'")[0]?.values[0]?.[0])) as IndexSettings) : undefined;
      const merged: IndexSettings = {
        mapping: { ...(settings?.mapping ?? {}), ...(stored?.mapping ?? {}) },
        defaultAnalyzer: stored?.defaultAnalyzer ?? settings?.defaultAnalyzer ?? "standard",
      };
      db.run("INSERT OR REPLACE INTO meta VALUES ('format', ?), ('settings', ?)", [FORMAT, JSON.stringify(merged)]);
      return new IndexStore(db, merged);
    } catch (err) {
      db.close();
      if (err instanceof Error && /not a database|malformed/.test(err.message)) throw new Error("the file is not an index made by index()");
      throw err;
    }
  }

  close(): void {
    this.db.close();
  }

  export(): Uint8Array {
    return this.db.export();
  }

  fieldType(field: string): FieldType {
    return this.settings.mapping[field] ?? "dynamic";
  }

  /** The analyzer of a text field (mapped text is always standard, as Velociraptor maps it). */
  analyzerFor(field: string | undefined): Analyzer {
    const t = field === undefined ? "dynamic" : this.fieldType(field);
    if (t === "text") return analyzerNamed("standard")!;
    if (t === "ip") return analyzerNamed("keyword")!;
    return analyzerNamed(this.settings.defaultAnalyzer)!;
  }

  /** Every field name in the index, in the order they were first indexed. */
  fields(): string[] {
    return [...this.fieldOrd.keys()];
  }

  private count: number | undefined;

  docCount(): number {
    return (this.count ??= Number(this.db.exec("SELECT COUNT(*) FROM docs")[0]?.values[0]?.[0] ?? 0));
  }

  /** Indexes documents (fields as strings, Velociraptor's ToString) in one transaction; an `_id` already present is replaced. */
  addBatch(docs: Array<{ id?: string; fields: Array<[string, string]> }>): void {
    const db = this.db;
    this.count = undefined;
    db.run("BEGIN");
    const post = new BulkInsert(db, "postings", 6);
    const num = db.prepare("INSERT INTO nums VALUES (?, ?, ?)");
    const doc = db.prepare("INSERT INTO docs VALUES (?, ?, ?, ?)");
    const find = db.prepare("SELECT n FROM docs WHERE id = ?");
    try {
      for (const d of docs) {
        const n = this.nextId++;
        const id = d.id ?? `${n}`;
        const old = find.get([id])[0];
        find.reset();
        if (old !== undefined) post.flush();
        if (old !== undefined) for (const t of ["docs WHERE n", "postings WHERE doc", "nums WHERE doc"]) db.run(`DELETE FROM ${t} = ?`, [old as number]);
        const stored: Array<[string, unknown]> = [];
        let total = 0;
        for (const [field, value] of d.fields) {
          const type = this.fieldType(field);
          if (type === "none") continue;
          if (!this.fieldOrd.has(field)) {
            this.fieldOrd.set(field, this.fieldOrd.size);
            db.run("INSERT OR IGNORE INTO fields VALUES (?, ?)", [field, this.fieldOrd.size - 1]);
          }
          if (type === "number") {
            const v = Number(value);
            if (value.trim() !== "" && Number.isFinite(v)) {
              num.run([field, v, n]);
              stored.push([field, v]);
            }
            continue;
          }
          if (type === "datetime") {
            const t = parseBleveDate(value);
            if (t !== undefined) {
              num.run([field, t, n]);
              stored.push([field, value]);
            }
            continue;
          }
          if (type === "bool") {
            const b = value.toLowerCase();
            if (b === "true" || b === "false") {
              post.add(field, b === "true" ? "T" : "F", n, 1, 1, "1");
              stored.push([field, b === "true"]);
            }
            continue;
          }
          stored.push([field, value]);
          const tokens = this.analyzerFor(field)(value);
          total += tokens.length;
          const byTerm = new Map<string, number[]>();
          for (const t of tokens) {
            const p = byTerm.get(t.term);
            if (p) p.push(t.pos);
            else byTerm.set(t.term, [t.pos]);
          }
          for (const [term, pos] of byTerm) post.add(field, term, n, pos.length, tokens.length, pos.join(","));
        }
        doc.run([n, id, total, JSON.stringify(stored)]);
      }
      post.flush();
      db.run("COMMIT");
    } catch (err) {
      db.run("ROLLBACK");
      throw err;
    } finally {
      post.free();
      num.free();
      doc.free();
      find.free();
    }
  }
}
