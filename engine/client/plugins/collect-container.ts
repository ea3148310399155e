// The offline-collection container collect() writes: a ZIP in Velociraptor's layout (its
// reporting/container.go), over yazl, streamed into an endpoint file. Result sets are JSON lines
// with a `.index` beside them (one little-endian int64 offset per row, as Velociraptor's result
// sets keep), uploads go under `uploads/<accessor>/<path components>` and are listed in
// uploads.json, and the log is `log.json`. Entries are written in the order they are added;
// an upload's bytes are read from the endpoint only when the archive reaches them.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { ZipFile } from "yazl";
import { toJsonText, untilAborted } from "@/engine/vql";
import type { FileSink } from "@/engine/endpoint/builtins/system";

/** One component of a member name, escaped as Velociraptor's zip paths are (`C:` is `C%3A`). */
export function escapeComponent(c: string): string {
  return c.replace(/[%/\\:*?"<>|\u0000-\u001f\u007f]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** A member name from components, each escaped. */
export function memberName(components: string[]): string {
  return components.map(escapeComponent).join("/");
}

export interface UploadRecord {
  Path: string;
  Size: number;
  StoredSize: number;
  sha256: string;
  md5: string;
  StoredName: string;
  Components: string[];
}

/** A JSONL result set and its index, from rows: what the container stores for one name. */
export function resultSet(rows: unknown[]): { json: Buffer; index: Buffer } {
  const lines: Buffer[] = [];
  const index = Buffer.alloc(rows.length * 8);
  let offset = 0;
  rows.forEach((r, i) => {
    const line = Buffer.from(toJsonText(r) + "\n", "utf8");
    index.writeBigInt64LE(BigInt(offset), i * 8);
    offset += line.length;
    lines.push(line);
  });
  return { json: Buffer.concat(lines), index };
}

export class Container {
  private readonly zip = new ZipFile();
  private readonly pump: Promise<void>;
  private readonly uploads: Array<UploadRecord & { started: Date }> = [];
  private readonly byStoredName = new Map<string, Promise<UploadRecord>>();
  private readonly logLines: unknown[] = [];
  private failure?: Error;
  totalUploadedBytes = 0;

  constructor(
    private readonly sink: FileSink,
    private readonly signal: AbortSignal,
    private readonly level: number,
  ) {
    const out = this.zip.outputStream as Readable;
    this.pump = (async () => {
      try {
        for await (const chunk of out) await sink.write(chunk as Buffer);
      } catch (err) {
        this.failure = err as Error;
        out.destroy();
      }
    })();
  }

  private opts() {
    return { mtime: new Date(), mode: 0o100644, compress: this.level !== 0, compressionLevel: Math.min(9, Math.max(1, this.level || 5)) };
  }

  /** Adds a member whose bytes are already here. */
  add(name: string, data: Buffer | string): void {
    this.zip.addBuffer(typeof data === "string" ? Buffer.from(data, "utf8") : data, name, this.opts());
  }

  addJson(name: string, value: unknown): void {
    this.add(name, JSON.stringify(value, null, 1));
  }

  /** Adds a member whose bytes are read (by `read()`) only when the archive reaches it. */
  addStream(name: string, read: () => AsyncIterable<Uint8Array>): void {
    const signal = this.signal;
    async function* bytes() {
      for await (const c of read()) {
        signal.throwIfAborted();
        yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
      }
    }
    const stream = Readable.from(bytes(), { objectMode: false });
    stream.on("error", () => {});
    this.zip.addReadStream(stream, name, this.opts());
  }

  /** Adds `name` and `name.index` from rows. */
  addResultSet(name: string, rows: unknown[]): void {
    const { json, index } = resultSet(rows);
    this.add(name, json);
    this.add(`${name}.index`, index);
  }

  log(level: string, message: string): void {
    const now = Math.floor(Date.now() / 1000);
    this.logLines.push({ _ts: now, client_time: now, level, message });
  }

  /**
   * Stores a file under uploads/<accessor>/<components of storedAs> and resolves with
   * Velociraptor's upload response once all of it is in the archive. The same stored name
   * twice is stored once (Velociraptor deduplicates uploads within a collection the same way).
   */
  upload(path: string, accessor: string, storedAs: string, read: () => AsyncIterable<Uint8Array>): Promise<UploadRecord> {
    const components = ["uploads", accessor, ...storedAs.split(/[\\/]+/).filter((c) => c !== "" && c !== "." && c !== "..")];
    const key = components.join("\u0000");
    const seen = this.byStoredName.get(key);
    if (seen) return seen;
    const started = new Date();
    const sha = createHash("sha256");
    const md5 = createHash("md5");
    let size = 0;
    const signal = this.signal;
    const done = new Promise<UploadRecord>((resolve, reject) => {
      async function* bytes() {
        try {
          for await (const c of read()) {
            signal.throwIfAborted();
            sha.update(c);
            md5.update(c);
            size += c.length;
            yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
          }
        } catch (err) {
          reject(err);
          throw err;
        }
        const record: UploadRecord = {
          Path: path,
          Size: size,
          StoredSize: size,
          sha256: sha.digest("hex"),
          md5: md5.digest("hex"),
          StoredName: `/${memberName(components)}`,
          Components: components,
        };
        resolveWith(record);
      }
      const resolveWith = (r: UploadRecord) => {
        this.totalUploadedBytes += r.Size;
        this.uploads.push({ ...r, started });
        resolve(r);
      };
      const stream = Readable.from(bytes(), { objectMode: false });
      stream.on("error", () => {});
      this.zip.addReadStream(stream, memberName(components), this.opts());
    });
    this.byStoredName.set(key, done);
    return untilAborted(done, signal);
  }

  get uploadCount(): number {
    return this.uploads.length;
  }

  /** Writes log.json and uploads.json (with their indexes) and the central directory, then closes the file. */
  async close(): Promise<Error | undefined> {
    this.addResultSet("log.json", this.logLines);
    if (this.uploads.length) {
      this.addResultSet(
        "uploads.json",
        this.uploads.map((u) => ({
          Timestamp: u.started.toISOString().replace(/\.\d+Z$/, "Z"),
          started: u.started.toISOString().replace("T", " ").replace(/\.\d+Z$/, " +0000 UTC"),
          vfs_path: u.Path,
          _Components: u.Components,
          file_size: u.Size,
          uploaded_size: u.StoredSize,
          Type: "",
        })),
      );
    }
    this.zip.end();
    await this.pump;
    await this.sink.close().catch((err: Error) => (this.failure ??= err));
    return this.failure;
  }

  /** Ends the archive without its central directory (the query was aborted) and closes the file. */
  async abandon(): Promise<void> {
    (this.zip.outputStream as Readable).destroy();
    await this.pump.catch(() => {});
    await this.sink.close().catch(() => {});
  }
}
