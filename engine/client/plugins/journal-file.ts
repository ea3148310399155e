// A reader of systemd journal files (systemd's "Journal File Format": a header, then an arena of
// 8-byte-aligned objects). As Velociraptor's parser does, it walks the arena's objects in file
// order from the end of the header and yields each ENTRY object with its fields, rather than
// following the entry arrays: a file cut short or damaged still gives every entry before the
// damage. Regular and "compact" files (32-bit entry items, incompatible flag COMPACT); fields
// compressed with ZSTD, LZ4 or XZ (journal-decompress.ts). Reads go through `read(offset,
// length)`, cached in 64 KiB pages, so the walk never holds the whole file.
import { decompressField, MAX_FIELD_BYTES } from "./journal-decompress";

/** Reads at most `length` bytes at `offset` (fewer at the end of the file). */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

export interface JournalEntry {
  /** The entry's offset in the file. */
  offset: number;
  seqnum: number;
  /** Microseconds since the epoch (CLOCK_REALTIME). */
  realtime: number;
  monotonic: number;
  /** The entry's fields (`KEY=value` payloads) in the order its items list them. */
  fields: Uint8Array[];
}

/** Damage that ends the walk (the entries before it were yielded). */
export class JournalFormatError extends Error {}

export const SIGNATURE = "LPKSHHRH";
const INCOMPATIBLE_COMPACT = 16;
/** XZ, LZ4, KEYED_HASH, ZSTD, COMPACT: the incompatible flags this reader understands. */
const INCOMPATIBLE_KNOWN = 1 | 2 | 4 | 8 | 16;
const OBJECT_HEADER = 16;
const OBJECT_DATA = 1;
const OBJECT_ENTRY = 3;
const OBJECT_TYPE_MAX = 7;
/** DataObject's payload offset, and CompactDataObject's (two more 32-bit fields before it). */
const DATA_PAYLOAD = 64;
const COMPACT_DATA_PAYLOAD = 72;
/** EntryObject: object header, seqnum, realtime, monotonic, boot_id[16], xor_hash; then the items. */
const ENTRY_ITEMS = 64;
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

const PAGE = 64 * 1024;
const PAGES_KEPT = 64;

/** `read` with a small LRU cache of whole pages. */
class PagedFile {
  private pages = new Map<number, Uint8Array>();
  constructor(private readonly read: ReadAt) {}

  private async page(n: number): Promise<Uint8Array> {
    const hit = this.pages.get(n);
    if (hit) {
      this.pages.delete(n);
      this.pages.set(n, hit);
      return hit;
    }
    const data = await this.read(n * PAGE, PAGE);
    this.pages.set(n, data);
    if (this.pages.size > PAGES_KEPT) this.pages.delete(this.pages.keys().next().value!);
    return data;
  }

  /** Up to `length` bytes at `offset` (fewer where the file ends). */
  async bytes(offset: number, length: number): Promise<Buffer> {
    if (length > PAGE * 4) return Buffer.from(await this.read(offset, length));
    const parts: Uint8Array[] = [];
    let at = offset;
    const end = offset + length;
    while (at < end) {
      const n = Math.floor(at / PAGE);
      const p = await this.page(n);
      const from = at - n * PAGE;
      const to = Math.min(p.length, end - n * PAGE);
      if (to > from) parts.push(p.subarray(from, to));
      if (p.length < PAGE) break; // the file's last page
      at = (n + 1) * PAGE;
    }
    return Buffer.concat(parts);
  }
}

const u64 = (b: Buffer, at: number) => Number(b.readBigUInt64LE(at));

export interface JournalHeader {
  compact: boolean;
  incompatibleFlags: number;
  headerSize: number;
  arenaSize: number;
  tailObjectOffset: number;
  nEntries: number;
}

async function readHeader(file: PagedFile): Promise<JournalHeader> {
  const h = await file.bytes(0, 208);
  if (h.length < 8 || h.toString("latin1", 0, 8) !== SIGNATURE) throw new JournalFormatError(`not a journal file (no ${SIGNATURE} signature)`);
  if (h.length < 208) throw new JournalFormatError(`the header is cut short (${h.length} bytes)`);
  const incompatibleFlags = h.readUInt32LE(12);
  if (incompatibleFlags & ~INCOMPATIBLE_KNOWN) throw new JournalFormatError(`unsupported incompatible flags 0x${incompatibleFlags.toString(16)}`);
  const headerSize = u64(h, 88);
  if (headerSize < 208 || headerSize % 8) throw new JournalFormatError(`damaged header (header_size ${headerSize})`);
  return { compact: Boolean(incompatibleFlags & INCOMPATIBLE_COMPACT), incompatibleFlags, headerSize, arenaSize: u64(h, 96), tailObjectOffset: u64(h, 136), nEntries: u64(h, 152) };
}

export interface ReadJournalOptions {
  /** Told about an entry that is skipped (a field that cannot be read); the walk goes on. */
  warn?: (message: string) => void;
  /** Whether an entry at this realtime (µs) is wanted: its fields are only read when it is. */
  wanted?: (realtime: number) => boolean;
}

/** The payload of the DATA object at `offset` (decompressed). */
async function dataPayload(file: PagedFile, h: JournalHeader, offset: number, arenaEnd: number): Promise<Uint8Array> {
  if (offset < h.headerSize || offset + OBJECT_HEADER > arenaEnd || offset % 8) throw new Error(`item points outside the arena (offset ${offset})`);
  const head = await file.bytes(offset, OBJECT_HEADER);
  if (head.length < OBJECT_HEADER) throw new Error(`its data object at ${offset} is past the end of the file`);
  const type = head[0]!;
  const flags = head[1]!;
  const size = u64(head, 8);
  if (type !== OBJECT_DATA) throw new Error(`item at ${offset} is not a data object (type ${type})`);
  const payloadAt = h.compact ? COMPACT_DATA_PAYLOAD : DATA_PAYLOAD;
  if (size < payloadAt || offset + size > arenaEnd) throw new Error(`data object at ${offset} has a bad size (${size})`);
  if (size - payloadAt > MAX_FIELD_BYTES) throw new Error(`data object at ${offset} is larger than ${MAX_FIELD_BYTES} bytes`);
  const payload = await file.bytes(offset + payloadAt, size - payloadAt);
  if (payload.length < size - payloadAt) throw new Error(`data object at ${offset} is cut short by the end of the file`);
  return decompressField(flags, payload);
}

/** The journal's entries in file order. Throws JournalFormatError where the file is damaged or cut short, after yielding the entries before it. */
export async function* readJournal(read: ReadAt, o: ReadJournalOptions = {}): AsyncGenerator<JournalEntry> {
  const file = new PagedFile(read);
  const h = await readHeader(file);
  const arenaEnd = h.headerSize + h.arenaSize;
  const itemSize = h.compact ? 4 : 16;
  let at = h.headerSize;
  // Past the header's last object, the end of the file or zeroes are the normal end of the arena.
  const pastTail = () => h.tailObjectOffset === 0 || at > h.tailObjectOffset;
  while (at + OBJECT_HEADER <= arenaEnd) {
    const head = await file.bytes(at, OBJECT_HEADER);
    if (head.length < OBJECT_HEADER) {
      if (pastTail()) return;
      throw new JournalFormatError(`the file ends at byte ${at + head.length}, before its last object (at ${h.tailObjectOffset}): it is cut short`);
    }
    const type = head[0]!;
    const size = u64(head, 8);
    if (type === 0 && size === 0) {
      if (pastTail()) return;
      throw new JournalFormatError(`zeroes at byte ${at}, before the last object (at ${h.tailObjectOffset}): the file is damaged`);
    }
    if (type > OBJECT_TYPE_MAX || size < OBJECT_HEADER || at + size > arenaEnd) throw new JournalFormatError(`damaged object at byte ${at} (type ${type}, size ${size})`);
    if (type === OBJECT_ENTRY) {
      if (size < ENTRY_ITEMS) throw new JournalFormatError(`damaged entry at byte ${at} (size ${size})`);
      const fixed = await file.bytes(at, ENTRY_ITEMS);
      if (fixed.length < ENTRY_ITEMS) throw new JournalFormatError(`the file ends inside the entry at byte ${at}: it is cut short`);
      const entry = { offset: at, seqnum: u64(fixed, 16), realtime: u64(fixed, 24), monotonic: u64(fixed, 32) };
      if (!o.wanted || o.wanted(entry.realtime)) {
        if (size > MAX_ENTRY_BYTES) throw new JournalFormatError(`the entry at byte ${at} is larger than ${MAX_ENTRY_BYTES} bytes`);
        const items = await file.bytes(at + ENTRY_ITEMS, size - ENTRY_ITEMS);
        if (items.length < size - ENTRY_ITEMS) throw new JournalFormatError(`the file ends inside the entry at byte ${at}: it is cut short`);
        const fields: Uint8Array[] = [];
        let problem: string | undefined;
        for (let i = 0; i + itemSize <= items.length && !problem; i += itemSize) {
          const offset = h.compact ? items.readUInt32LE(i) : u64(items, i);
          try {
            fields.push(await dataPayload(file, h, offset, arenaEnd));
          } catch (err) {
            problem = (err as Error).message;
          }
        }
        if (problem) o.warn?.(`skipped the entry at byte ${at} (seqnum ${entry.seqnum}): ${problem}`);
        else yield { ...entry, fields };
      }
    }
    at += Math.ceil(size / 8) * 8;
  }
}
