// ZIP archives written as a stream (downloads of flows and hunts, artifact pack export), over
// yazl: ZIP64 where an entry or the archive passes 4 GiB, deflate, no native build. Entries are
// added one at a time and each is read from its source only when the archive reaches it, so at
// most one entry's current chunk is in memory whatever the archive's size. See docs/downloads.md.
import { Readable } from "node:stream";
import { ZipFile } from "yazl";

export interface ZipStream {
  /** The archive's bytes; cancelling it aborts `signal` and stops reading the sources. */
  readonly body: ReadableStream<Uint8Array>;
  /** Aborted when the reader cancels (the browser went away) or the archive failed. */
  readonly signal: AbortSignal;
  /** Adds one entry and resolves when all of `content` is in the archive (bytes of that entry, uncompressed). */
  add(name: string, content: AsyncIterable<Uint8Array | string> | Uint8Array | string, opts?: { mtime?: Date }): Promise<number>;
  /** Writes the central directory and ends the archive. */
  end(): void;
  /** Ends the archive with an error: the reader sees a failed download, never a short zip that looks whole. */
  fail(err: unknown): void;
  /** Settles when the archive's stream closes: true when the reader got all of it, false when it was cancelled or failed. */
  readonly closed: Promise<boolean>;
}

/** A zip entry name from untrusted path parts: `/`-separated, no empty, `.` or `..` segments, no drive or root. */
export function safeEntryName(...parts: string[]): string {
  const segs = parts
    .flatMap((p) => p.split(/[\\/]+/))
    .map((s) => s.replace(/[\u0000-\u001f\u007f]/g, "_").replace(/^([A-Za-z]):$/, "$1"))
    .filter((s) => s !== "" && s !== "." && s !== "..");
  return (segs.length ? segs : ["unnamed"]).map((s) => s.slice(0, 200)).join("/");
}

export function createZipStream(opts: { signal?: AbortSignal } = {}): ZipStream {
  const zip = new ZipFile();
  const out = zip.outputStream as Readable;
  const controller = new AbortController();
  const abort = (reason: unknown) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  opts.signal?.addEventListener("abort", () => fail(opts.signal!.reason), { once: true });
  let ended = false;
  out.once("end", () => (ended = true));
  let closedWith: (whole: boolean) => void = () => {};
  const closed = new Promise<boolean>((resolve) => (closedWith = resolve));
  // Destroyed before its end: the reader cancelled (Readable.toWeb destroys on cancel) or fail().
  out.once("close", () => {
    if (!ended) abort(new Error("the download was cancelled"));
    closedWith(ended);
  });
  zip.on("error", (err: Error) => fail(err));

  function fail(err: unknown) {
    abort(err);
    if (!out.destroyed) out.destroy(err instanceof Error ? err : new Error(String(err)));
  }

  let queue: Promise<unknown> = Promise.resolve();

  function add(name: string, content: AsyncIterable<Uint8Array | string> | Uint8Array | string, o: { mtime?: Date } = {}): Promise<number> {
    const run = async () => {
      controller.signal.throwIfAborted();
      let bytes = 0;
      const source = typeof content === "string" || content instanceof Uint8Array ? [content] : content;
      const signal = controller.signal;
      async function* chunks() {
        for await (const c of source) {
          signal.throwIfAborted();
          const b = typeof c === "string" ? Buffer.from(c, "utf8") : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
          bytes += b.length;
          if (b.length) yield b;
        }
      }
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
        zip.addReadStreamLazy(name, { mtime: o.mtime ?? new Date(), mode: 0o100644 }, (cb) => {
          const r = Readable.from(chunks(), { objectMode: false, highWaterMark: 64 * 1024 });
          r.once("end", () => {
            signal.removeEventListener("abort", onAbort);
            resolve();
          });
          r.once("error", (err) => {
            signal.removeEventListener("abort", onAbort);
            reject(err);
          });
          cb(null, r);
        });
      });
      return bytes;
    };
    const p = queue.then(run);
    queue = p.catch(() => {});
    p.catch((err) => fail(err));
    return p;
  }

  return {
    body: Readable.toWeb(out) as ReadableStream<Uint8Array>,
    signal: controller.signal,
    add,
    end() {
      void queue.then(() => {
        if (!controller.signal.aborted) zip.end();
      });
    },
    fail,
    closed,
  };
}

/** A small archive as bytes (artifact pack export: a few YAML files already in memory). */
export async function zipBytes(entries: ReadonlyArray<{ name: string; data: Uint8Array | string }>, at: Date = new Date()): Promise<Uint8Array> {
  const zip = createZipStream();
  const parts: Uint8Array[] = [];
  const read = (async () => {
    for await (const c of zip.body as unknown as AsyncIterable<Uint8Array>) parts.push(c);
  })();
  try {
    for (const e of entries) await zip.add(e.name, e.data, { mtime: at });
  } catch (err) {
    await read.catch(() => {});
    throw err;
  }
  zip.end();
  await read;
  return new Uint8Array(Buffer.concat(parts));
}
