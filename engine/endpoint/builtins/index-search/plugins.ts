// index() and index_search(): Velociraptor's local full-text index (vql/tools/index), on the
// agent and on the server's own host. index() writes the rows of a query into an index file
// in batches and passes them on; index_search() runs a bleve query string over it. The file
// is read and written through the endpoint (protected paths refused); see store.ts for its
// format and docs/vql-differences.md for what of bleve is covered.
import { arg, definePlugin, dictGet, dictKeys, isDictLike, OrderedDict, toVqlString, untilAborted, abortable, type BuiltinContext } from "@/engine/vql";
import { agentHost } from "../host";
import { analyzerNamed } from "./analyzers";
import { parseQueryString } from "./query-string";
import { evaluate, order, storedFieldsReader } from "./search";
import { fieldTypeOf, IndexStore, type FieldType } from "./store";

const MAX_BYTES = 1024 * 1024 * 1024;
const PAGESIZE = 100;

async function readIndex(ctx: BuiltinContext, path: string): Promise<Uint8Array | undefined> {
  const fs = agentHost(ctx.host).system.fs;
  const st = await untilAborted(fs.stat(path), ctx.signal);
  if (!st) return undefined;
  if (st.IsDir) throw new Error(`${path} is a directory (a bleve index?); index() makes a single file`);
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of abortable(fs.read(path, { signal: ctx.signal }), ctx.signal)) {
    n += c.length;
    if (n > MAX_BYTES) throw new Error(`${path} is larger than 1 GiB`);
    parts.push(Buffer.from(c));
  }
  return Buffer.concat(parts);
}

/**
 * The bytes of the index index() adds to: none for a new file or with purge. Only an index
 * index() made is replaced or added to, never another file; a directory (an old bleve index)
 * is removed with purge, as Velociraptor's purge removes it.
 */
async function existingIndex(ctx: BuiltinContext, output: string, purge: boolean | undefined): Promise<Uint8Array | undefined> {
  const { fs, writer } = agentHost(ctx.host).system;
  const st = await untilAborted(fs.stat(output), ctx.signal);
  if (!st) return undefined;
  if (st.IsDir) {
    if (!purge) throw new Error(`${output} is a directory (a bleve index?); purge=TRUE replaces it`);
    await untilAborted(writer!.remove(output, { recursive: true }), ctx.signal);
    return undefined;
  }
  const bytes = await readIndex(ctx, output);
  // An empty file is what a run that never finished leaves (index() opens the file first).
  if (!bytes?.length) return undefined;
  const probe = await untilAborted(IndexStore.open(bytes), ctx.signal, (late) => late.close());
  probe.close();
  return purge ? undefined : bytes;
}

function mappingOf(v: unknown): Record<string, FieldType> {
  const out: Record<string, FieldType> = {};
  if (v === undefined || v === null) return out;
  if (!isDictLike(v)) throw new Error("mapping should be a dict of field name to type");
  for (const k of dictKeys(v)) {
    const name = dictGet(v, k);
    if (typeof name !== "string") throw new Error(`field mapping name ${k} should be of type string not ${typeof name}`);
    const t = fieldTypeOf(name);
    if (!t) throw new Error(`Unknown field type ${name}`);
    out[k] = t;
  }
  return out;
}

async function documentOf(ctx: BuiltinContext, row: unknown): Promise<{ id?: string; fields: Array<[string, string]> }> {
  if (!isDictLike(row)) return { fields: [["_value", toVqlString(row)]] };
  const fields: Array<[string, string]> = [];
  let id: string | undefined;
  for (const k of dictKeys(row)) {
    let v = dictGet(row, k);
    if (v !== null && typeof v === "object") v = await ctx.materialize(v);
    if (v === null || v === undefined) continue;
    if (k === "_id" && typeof v === "string") id = v;
    fields.push([k, toVqlString(v)]);
  }
  return { id, fields };
}

export const indexPlugin = definePlugin({
  name: "index",
  category: "client",
  doc: "Create a local index from a query: the rows of `query` are indexed (every value as text, or as `mapping` says) into the index file `output` in batches, and passed on; a row's `_id` column names its document (a later row with the same `_id` replaces it). Search it with index_search().",
  args: {
    query: arg.query().required().doc("A VQL Query to parse and execute."),
    mapping: arg.any().doc("A dict to describe field mapping: field name to text (en-text), number, date (datetime), bool, ip or none (not indexed or stored)."),
    default_analyzer: arg.string().doc("The default analyzer to use for fields not in `mapping`: standard (default), simple, keyword or whitespace."),
    output: arg.string().required().doc("The file path to create the index on."),
    workers: arg.int().doc("Index with this many workers (default 2; accepted, indexing is one writer here)."),
    purge: arg.bool().doc("If set we delete the index to start fresh (otherwise rows are added to an existing index)."),
    batch: arg.int().min(0).doc("Default batch size for index (default 1000)."),
    silent: arg.bool().doc("Do not forward events (this is faster)."),
  },
  permissions: ["FILESYSTEM_WRITE"],
  platforms: ["client"],
  version: 2,
  async *run({ query, mapping, default_analyzer, output, purge, batch, silent }, ctx) {
    const writer = agentHost(ctx.host).system.writer;
    if (!writer) return void ctx.log("ERROR", "index: this endpoint cannot write files");
    const analyzer = default_analyzer || "standard";
    let store: IndexStore;
    try {
      const m = mappingOf(mapping);
      if (!analyzerNamed(analyzer)) throw new Error(`no analyzer named ${analyzer} (standard, simple, keyword or whitespace)`);
      const bytes = await existingIndex(ctx, output, purge);
      // Refused paths fail now, before the query runs (Velociraptor's file.CheckPath); the
      // append leaves an existing file as it is.
      await (await untilAborted(writer.open(output, { append: true, mode: 0o644 }), ctx.signal, (late) => late.close())).close();
      store = await untilAborted(IndexStore.open(bytes, { mapping: m, defaultAnalyzer: analyzer }), ctx.signal, (late) => late.close());
    } catch (err) {
      ctx.signal.throwIfAborted();
      return void ctx.log("ERROR", `index: ${(err as Error).message}`);
    }
    const size = batch || 1000;
    let pending: unknown[] = [];
    /** Indexes the pending rows (taken out first: a batch that fails is not tried again) and returns them. */
    const flush = async () => {
      const done = pending;
      pending = [];
      const docs = [];
      for (const r of done) docs.push(await documentOf(ctx, r));
      store.addBatch(docs);
      return done;
    };
    try {
      for await (const row of abortable(query.rows(), ctx.signal)) {
        pending.push(row);
        if (pending.length < size) continue;
        const done = await flush();
        if (!silent) for (const r of done) yield r;
        // sql.js is synchronous: give the event loop (and an abort) a turn between batches.
        await new Promise((r) => setImmediate(r));
        ctx.signal.throwIfAborted();
      }
      const done = await flush();
      if (!silent) for (const r of done) yield r;
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `index: ${(err as Error).message}`);
    } finally {
      // As Velociraptor's deferred flush: rows read before a break or an abort are indexed too.
      try {
        if (pending.length) await flush();
        const sink = await writer.open(output, { mode: 0o644 });
        try {
          await sink.write(store.export());
        } finally {
          await sink.close();
        }
      } catch (err) {
        ctx.log("ERROR", `index: ${output}: ${(err as Error).message}`);
      } finally {
        store.close();
      }
    }
  },
});

export const indexSearchPlugin = definePlugin({
  name: "index_search",
  category: "client",
  doc: "Search a previously created index with a bleve query string (`word`, `field:word`, `\"a phrase\"`, `+must`, `-must_not`, `wild*`, `/regexp/`, `word~1`, `field:>5`, `field:<=\"2024-01-31\"`, `^boost`): one row per matching document with its stored fields, best match first.",
  args: {
    path: arg.string().required().doc("The file path to the index to open."),
    search: arg.string().required().doc("A Bleve search query. See https://blevesearch.com/docs/Query-String-Query/"),
    fields: arg.list(arg.string()).doc("A list of fields to include from the index (default all; `*` is all)."),
    sort: arg.list(arg.string()).doc("The field to sort by (precede with - to sort in descending order); _score and _id too."),
    start: arg.int().min(0).doc("Row number to start."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  version: 1,
  async *run({ path, search, fields, sort, start }, ctx) {
    const parsed = parseQueryString(search);
    if (!parsed.ok) return void ctx.log("ERROR", `index_search: ${parsed.error}`);
    let store: IndexStore;
    try {
      const bytes = await readIndex(ctx, path);
      if (!bytes) throw new Error(`${path}: no such index`);
      store = await untilAborted(IndexStore.open(bytes), ctx.signal, (late) => late.close());
    } catch (err) {
      ctx.signal.throwIfAborted();
      return void ctx.log("ERROR", `index_search: ${(err as Error).message}`);
    }
    try {
      let docs: number[];
      try {
        docs = order(store, evaluate(store, parsed.query), sort ?? []);
      } catch (err) {
        return void ctx.log("ERROR", `index_search: ${(err as Error).message}`);
      }
      const wanted = fields?.length && !fields.includes("*") ? fields : store.fields();
      const reader = storedFieldsReader(store);
      try {
        for (let i = start ?? 0; i < docs.length; i++) {
          const stored = new Map(reader.get(docs[i]!));
          yield new OrderedDict(wanted.filter((f) => stored.has(f)).map((f) => [f, stored.get(f)]));
          if (i % PAGESIZE === PAGESIZE - 1) await new Promise((r) => setImmediate(r));
          ctx.signal.throwIfAborted();
        }
      } finally {
        reader.free();
      }
    } finally {
      store.close();
    }
  },
});
