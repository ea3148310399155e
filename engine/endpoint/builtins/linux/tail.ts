// Following a text file like `tail -F` for watch_syslog(): the file stays open between polls,
// so lines written just before a rotation are still read from the old file; a new file at the
// path (another inode) is read from its start, and a file truncated in place (copytruncate) is
// read again from its start: noticed when it shrank, or when the bytes before the read position
// changed (it was truncated and has grown past that position since the last poll). Each poll
// returns complete lines only; a line longer than the buffer comes in pieces. Owns one file
// handle, closed by close(); no timers (the caller decides when to poll).
import { open, stat, type FileHandle } from "node:fs/promises";
import type { LineFollower } from "../system";

interface Open {
  fh: FileHandle;
  dev: number;
  ino: number;
  /** Offset just after the last line returned. */
  offset: number;
  /** The bytes just before `offset` when it was last moved (to notice a rewrite). */
  mark: Buffer;
  /** Size and mtime at the last poll. */
  size: number;
  mtimeMs: number;
}

const NL = 0x0a;
const MARK_BYTES = 64;

async function readAt(o: Open, from: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await o.fh.read(buf, 0, length, from);
  return buf.subarray(0, bytesRead);
}

const markOf = (o: Open) => (o.offset === 0 ? Promise.resolve(Buffer.alloc(0)) : readAt(o, Math.max(0, o.offset - MARK_BYTES), Math.min(MARK_BYTES, o.offset)));

/** The file no longer holds what was read before `offset`: it was truncated (and maybe written again). */
async function wasRewritten(o: Open, size: number): Promise<boolean> {
  if (size < o.offset) return true;
  if (o.offset === 0) return false;
  return !(await markOf(o)).equals(o.mark);
}

async function openAt(path: string): Promise<Open | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch {
    return undefined;
  }
  const st = await fh.stat();
  // Size and mtime unknown: the first poll reads whatever is there.
  return { fh, dev: st.dev, ino: st.ino, offset: 0, mark: Buffer.alloc(0), size: -1, mtimeMs: -1 };
}

/** The offset just after the last newline among the file's last `bufferSize` bytes (Velociraptor's start point). */
async function lastLineEnd(o: Open, size: number, bufferSize: number): Promise<number> {
  const from = Math.max(0, size - bufferSize);
  const buf = await readAt(o, from, size - from);
  const nl = buf.lastIndexOf(NL);
  return nl >= 0 ? from + nl + 1 : from === 0 ? 0 : size;
}

/**
 * Lines between o.offset and `size`. A trailing piece without a newline is left for the next
 * read, unless a whole buffer has no newline (a long line comes in pieces) or `flush` is set
 * (the file will not grow any more).
 */
async function readLines(o: Open, size: number, bufferSize: number, flush: boolean): Promise<string[]> {
  const lines: string[] = [];
  while (o.offset < size) {
    const want = Math.min(bufferSize, size - o.offset);
    const buf = Buffer.alloc(want);
    const { bytesRead } = await o.fh.read(buf, 0, want, o.offset);
    if (bytesRead === 0) break;
    const chunk = buf.subarray(0, bytesRead);
    const atEnd = bytesRead < want || o.offset + bytesRead >= size;
    let start = 0;
    for (let nl = chunk.indexOf(NL); nl >= 0; nl = chunk.indexOf(NL, start)) {
      lines.push(chunk.toString("utf8", start, nl));
      start = nl + 1;
    }
    if (start === 0 && !atEnd) {
      lines.push(chunk.toString("utf8"));
      start = bytesRead;
    }
    if (start < bytesRead && atEnd) {
      if (!flush) {
        o.offset += start;
        break;
      }
      lines.push(chunk.toString("utf8", start));
      start = bytesRead;
    }
    // Not at the end: the next read starts at the unfinished line.
    o.offset += start;
  }
  return lines;
}

export async function followLines(path: string, opts: { fromStart: boolean; bufferSize: number }): Promise<LineFollower> {
  const bufferSize = Math.max(1, opts.bufferSize);
  let cur = await openAt(path);
  if (cur && !opts.fromStart) {
    const st = await cur.fh.stat();
    cur.offset = await lastLineEnd(cur, st.size, bufferSize);
    cur.mark = await markOf(cur);
    cur.size = st.size;
    cur.mtimeMs = st.mtimeMs;
  }
  let closed = false;

  return {
    async poll() {
      if (closed) return [];
      const lines: string[] = [];
      const now = await stat(path).catch(() => undefined);
      if (cur && (!now || now.ino !== cur.ino || now.dev !== cur.dev)) {
        // Rotated or removed: finish the old file, then move on to whatever is at the path now.
        lines.push(...(await readLines(cur, (await cur.fh.stat()).size, bufferSize, true)));
        await cur.fh.close();
        cur = undefined;
      }
      if (!cur && now) cur = await openAt(path);
      if (!cur) return lines;
      const st = await cur.fh.stat();
      if (st.size === cur.size && st.mtimeMs === cur.mtimeMs) return lines;
      cur.size = st.size;
      cur.mtimeMs = st.mtimeMs;
      if (await wasRewritten(cur, st.size)) cur.offset = 0;
      const before = cur.offset;
      lines.push(...(await readLines(cur, st.size, bufferSize, false)));
      if (cur.offset !== before) cur.mark = await markOf(cur);
      return lines;
    },
    async close() {
      closed = true;
      const c = cur;
      cur = undefined;
      await c?.fh.close();
    },
  };
}
