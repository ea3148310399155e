// LevelDB's on-disk formats, read-only (google/leveldb doc/log_format.md, doc/table_format.md,
// db/version_edit.cc, db/write_batch.cc): log files and the MANIFEST (32 KiB blocks of
// checksummed records holding write batches or version edits) and sorted tables (.ldb/.sst:
// prefix-compressed blocks, Snappy or raw, found through the index block named by the footer).
// Written here because npm has no maintained pure-JS LevelDB reader (the level packages wrap
// the C++ library, which needs a native build and opens a database for writing); Snappy is
// snappyjs's. Like Velociraptor's goleveldb in NoStrict mode, a damaged record or block is
// skipped (reported through `problem`) and the rest is read.
import { uncompress } from "snappyjs";

/** One put or deletion with its sequence number; key and value are the raw bytes. */
export interface LevelEntry {
  key: Uint8Array;
  seq: number;
  deleted: boolean;
  value: Uint8Array;
}

const BLOCK = 32768;
const TABLE_MAGIC = 0xdb4775248b80fb57n;

class Reader {
  constructor(
    readonly b: Uint8Array,
    public pos = 0,
  ) {}
  get done(): boolean {
    return this.pos >= this.b.length;
  }
  byte(): number {
    if (this.pos >= this.b.length) throw new Error("truncated");
    return this.b[this.pos++]!;
  }
  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const c = this.byte();
      v += (c & 0x7f) * mul;
      if (c < 0x80) return v;
      mul *= 128;
    }
    throw new Error("bad varint");
  }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.b.length) throw new Error("truncated");
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  slice(): Uint8Array {
    return this.bytes(this.varint());
  }
}

/** The records of a log-format file (a log or the MANIFEST), fragments put back together. */
export function logRecords(data: Uint8Array, problem: (m: string) => void): Uint8Array[] {
  const out: Uint8Array[] = [];
  let parts: Uint8Array[] | undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  while (pos + 7 <= data.length) {
    const left = BLOCK - (pos % BLOCK);
    if (left < 7) {
      pos += left;
      continue;
    }
    const length = view.getUint16(pos + 4, true);
    const type = data[pos + 6]!;
    if (type === 0 && length === 0) {
      // Zero-filled space (a preallocated tail, or the rest of a block): skip to the next block.
      pos += left;
      continue;
    }
    if (pos + 7 + length > data.length || 7 + length > left) {
      problem(`log record at offset ${pos} runs past its block`);
      break;
    }
    const payload = data.subarray(pos + 7, pos + 7 + length);
    pos += 7 + length;
    if (type === 1) {
      out.push(payload);
      parts = undefined;
    } else if (type === 2) parts = [payload];
    else if (type === 3 && parts) parts.push(payload);
    else if (type === 4 && parts) {
      parts.push(payload);
      out.push(Buffer.concat(parts));
      parts = undefined;
    } else {
      problem(`log record of type ${type} at offset ${pos - 7 - length} out of place`);
      parts = undefined;
    }
  }
  return out;
}

/** A write batch: sequence (8 bytes), count (4), then puts (tag 1, key, value) and deletions (tag 0, key). */
export function batchEntries(batch: Uint8Array, into: LevelEntry[]): void {
  if (batch.length < 12) throw new Error("write batch too short");
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  const seq = Number(view.getBigUint64(0, true));
  const count = view.getUint32(8, true);
  const r = new Reader(batch, 12);
  for (let i = 0; i < count; i++) {
    const tag = r.byte();
    const key = r.slice();
    if (tag === 1) into.push({ key, seq: seq + i, deleted: false, value: r.slice() });
    else if (tag === 0) into.push({ key, seq: seq + i, deleted: true, value: new Uint8Array(0) });
    else throw new Error(`unknown write batch tag ${tag}`);
  }
}

/** Every entry of a log file. */
export function logEntries(data: Uint8Array, problem: (m: string) => void): LevelEntry[] {
  const out: LevelEntry[] = [];
  for (const rec of logRecords(data, problem)) {
    try {
      batchEntries(rec, out);
    } catch (err) {
      problem(`write batch: ${(err as Error).message}`);
    }
  }
  return out;
}

interface Handle {
  offset: number;
  size: number;
}

function readHandle(r: Reader): Handle {
  return { offset: r.varint(), size: r.varint() };
}

/** A block's contents: raw (type 0) or Snappy (type 1), then 5 trailer bytes (type, CRC). */
function blockContents(table: Uint8Array, h: Handle): Uint8Array {
  if (h.offset + h.size + 5 > table.length) throw new Error(`block at ${h.offset} runs past the end of the table`);
  const raw = table.subarray(h.offset, h.offset + h.size);
  const type = table[h.offset + h.size]!;
  if (type === 0) return raw;
  if (type === 1) return uncompress(raw);
  throw new Error(`block at ${h.offset} has unsupported compression type ${type}`);
}

/** The key/value pairs of a block (keys rebuilt from their shared prefixes). */
function blockEntries(block: Uint8Array): Array<[Uint8Array, Uint8Array]> {
  if (block.length < 4) throw new Error("block too short");
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const restarts = view.getUint32(block.length - 4, true);
  const end = block.length - 4 - restarts * 4;
  if (end < 0) throw new Error("bad restart count");
  const r = new Reader(block.subarray(0, end));
  const out: Array<[Uint8Array, Uint8Array]> = [];
  let last = new Uint8Array(0);
  while (!r.done) {
    const shared = r.varint();
    const unshared = r.varint();
    const valueLength = r.varint();
    if (shared > last.length) throw new Error("bad key prefix");
    const key = new Uint8Array(shared + unshared);
    key.set(last.subarray(0, shared));
    key.set(r.bytes(unshared), shared);
    out.push([key, r.bytes(valueLength)]);
    last = key;
  }
  return out;
}

/** Every entry of a sorted table; a damaged data block is skipped. */
export function tableEntries(table: Uint8Array, problem: (m: string) => void): LevelEntry[] {
  if (table.length < 48) throw new Error("too short for a table");
  const footer = table.subarray(table.length - 48);
  const fview = new DataView(footer.buffer, footer.byteOffset, 48);
  if (fview.getBigUint64(40, true) !== TABLE_MAGIC) throw new Error("not a table (bad magic number)");
  const fr = new Reader(footer);
  readHandle(fr); // the metaindex (filters): not needed to list entries
  const index = blockEntries(blockContents(table, readHandle(fr)));
  const out: LevelEntry[] = [];
  for (const [, handleBytes] of index) {
    try {
      for (const [ikey, value] of blockEntries(blockContents(table, readHandle(new Reader(handleBytes))))) {
        if (ikey.length < 8) throw new Error("internal key too short");
        const trailer = new DataView(ikey.buffer, ikey.byteOffset + ikey.length - 8, 8).getBigUint64(0, true);
        out.push({ key: ikey.subarray(0, ikey.length - 8), seq: Number(trailer >> 8n), deleted: (trailer & 0xffn) === 0n, value });
      }
    } catch (err) {
      problem(`data block: ${(err as Error).message}`);
    }
  }
  return out;
}

/** What the MANIFEST says is live: table file numbers and the logs not yet in a table. */
export interface LiveFiles {
  tables: Set<number>;
  logNumber: number;
  prevLogNumber: number;
}

/** Replays the MANIFEST's version edits (db/version_edit.cc tags). */
export function manifestLiveFiles(data: Uint8Array, problem: (m: string) => void): LiveFiles {
  const live: LiveFiles = { tables: new Set(), logNumber: 0, prevLogNumber: 0 };
  for (const rec of logRecords(data, problem)) {
    const r = new Reader(rec);
    try {
      while (!r.done) {
        const tag = r.varint();
        switch (tag) {
          case 1: // comparator name
            r.slice();
            break;
          case 2:
            live.logNumber = r.varint();
            break;
          case 3: // next file number
          case 4: // last sequence
            r.varint();
            break;
          case 5: // compaction pointer: level, key
            r.varint();
            r.slice();
            break;
          case 6: // deleted file: level, number
            r.varint();
            live.tables.delete(r.varint());
            break;
          case 7: // new file: level, number, size, smallest key, largest key
            r.varint();
            live.tables.add(r.varint());
            r.varint();
            r.slice();
            r.slice();
            break;
          case 9:
            live.prevLogNumber = r.varint();
            break;
          default:
            throw new Error(`unknown version edit tag ${tag}`);
        }
      }
    } catch (err) {
      problem(`MANIFEST: ${(err as Error).message}`);
    }
  }
  return live;
}

/** The database's current state: for each key its newest entry, deletions dropped, in bytewise key order. */
export function currentEntries(entries: Iterable<LevelEntry>): LevelEntry[] {
  const newest = new Map<string, LevelEntry>();
  for (const e of entries) {
    const k = Buffer.from(e.key).toString("latin1");
    const seen = newest.get(k);
    if (!seen || e.seq > seen.seq) newest.set(k, e);
  }
  // latin1 strings compare code unit by code unit, which is byte by byte here.
  return [...newest.entries()]
    .filter(([, e]) => !e.deleted)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, e]) => e);
}
