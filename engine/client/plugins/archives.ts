// unzip(): extracts a zip or tar.gz archive into a directory, streaming (fflate's Unzip and
// Gunzip; tar headers read here). Members whose names would leave output_directory are skipped.
import { Gunzip, Unzip, UnzipInflate, type UnzipFile } from "fflate";
import { arg, compileRegex, definePlugin, isRegexError, abortable, untilAborted, type BuiltinContext } from "@/engine/vql";
import { agentHost } from "./host";
import type { EndpointWriter, FileSink } from "@/engine/endpoint/builtins/system";
import { accessorProblem } from "@/engine/endpoint/builtins/values";
import { writerOf } from "./write";

interface Extracted {
  OriginalPath: string;
  NewPath: string;
  Size: number;
}

/** The member's path under `dir`, or undefined when it is absolute or climbs out with `..`. */
export function safeMemberPath(dir: string, name: string): string | undefined {
  const parts = name.replace(/\\/g, "/").split("/").filter((p) => p && p !== ".");
  if (name.startsWith("/") || parts.some((p) => p === "..") || parts.length === 0) return undefined;
  return `${dir.replace(/\/+$/, "")}/${parts.join("/")}`;
}

/** One member being written: chunks arrive synchronously from fflate, writes happen in order. */
class MemberWriter {
  private chain: Promise<unknown> = Promise.resolve();
  private sink?: Promise<FileSink>;
  size = 0;
  failed?: Error;
  constructor(writer: EndpointWriter, readonly path: string) {
    this.sink = writer.open(path, { createDirectories: true });
    this.chain = this.sink.catch((e: Error) => (this.failed = e));
  }
  push(chunk: Uint8Array) {
    this.size += chunk.length;
    this.chain = this.chain.then(async () => {
      if (!this.failed) await (await this.sink!).write(chunk);
    }).catch((e: Error) => (this.failed = e));
  }
  async close() {
    await this.chain;
    if (!this.failed) await (await this.sink!).close().catch((e: Error) => (this.failed = e));
    else await this.sink!.then((s) => s.close(), () => {});
  }
}

interface TarEntry {
  write?: (c: Uint8Array) => void;
  end?: () => void;
}

/** Tar (ustar/GNU) entries from a byte stream: a 512-byte header (name, size, type), then the data blocks. */
export class TarReader {
  private buf = Buffer.alloc(0);
  private remaining = 0;
  private padding = 0;
  private current?: TarEntry;
  private longName?: string;
  constructor(private readonly onEntry: (name: string, isFile: boolean) => TarEntry) {}

  push(chunk: Uint8Array): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, Buffer.from(chunk)]) : Buffer.from(chunk);
    for (;;) {
      if (this.remaining > 0 || this.padding > 0) {
        const data = this.remaining > 0;
        const n = Math.min(data ? this.remaining : this.padding, this.buf.length);
        if (n === 0) return;
        if (data) {
          this.current?.write?.(this.buf.subarray(0, n));
          this.remaining -= n;
          if (this.remaining === 0) this.endEntry();
        } else this.padding -= n;
        this.buf = this.buf.subarray(n);
        continue;
      }
      if (this.buf.length < 512) return;
      const h = this.buf.subarray(0, 512);
      this.buf = this.buf.subarray(512);
      if (h.every((b) => b === 0)) continue;
      const str = (o: number, l: number) => h.subarray(o, o + l).toString("utf8").replace(/\0[\s\S]*$/, "");
      const size = parseInt(str(124, 12).trim() || "0", 8);
      const type = h[156] === 0 ? "0" : String.fromCharCode(h[156]!);
      const prefix = h.subarray(257, 262).toString("latin1") === "ustar" ? str(345, 155) : "";
      const name = this.longName ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
      this.longName = undefined;
      this.padding = (512 - (size % 512)) % 512;
      if (type === "L" || type === "x") {
        // The next entry's name: a GNU long name is this entry's data, a pax header its `path` record.
        const parts: Buffer[] = [];
        const text = () => Buffer.concat(parts).toString("utf8");
        const end = type === "L" ? () => (this.longName = text().replace(/\0[\s\S]*$/, "")) : () => (this.longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text())?.[1] ?? this.longName);
        this.current = { write: (c) => parts.push(Buffer.from(c)), end };
      } else this.current = this.onEntry(name, type === "0" || type === "7");
      this.remaining = size;
      if (size === 0) this.endEntry();
    }
  }

  private endEntry() {
    const e = this.current;
    this.current = undefined;
    e?.end?.();
  }
}

async function* extract(filename: string, kind: "zip" | "tgz", out: string, filter: ((n: string) => boolean) | undefined, ctx: BuiltinContext, writer: EndpointWriter): AsyncIterable<Extracted> {
  const members: MemberWriter[] = [];
  const done: MemberWriter[] = [];
  const consider = (name: string, isFile: boolean): MemberWriter | undefined => {
    if (!isFile || name.endsWith("/")) return undefined;
    if (filter && !filter(name)) return undefined;
    const path = safeMemberPath(out, name);
    if (!path) {
      ctx.log("ERROR", `unzip: skipped ${name}: its path leaves the output directory`);
      return undefined;
    }
    const m = new MemberWriter(writer, path);
    members.push(m);
    return m;
  };
  const names = new Map<MemberWriter, string>();
  let push: (chunk: Uint8Array, final: boolean) => void;
  if (kind === "zip") {
    const uz = new Unzip((file: UnzipFile) => {
      const m = consider(file.name, true);
      if (!m) return;
      names.set(m, file.name);
      file.ondata = (err, chunk, final) => {
        if (err) m.failed = err;
        else m.push(chunk);
        if (final || err) done.push(m);
      };
      file.start();
    });
    uz.register(UnzipInflate);
    push = (c, final) => uz.push(c, final);
  } else {
    const tar = new TarReader((name, isFile) => {
      const m = consider(name, isFile);
      if (!m) return {};
      names.set(m, name);
      return { write: (c) => m.push(c), end: () => done.push(m) };
    });
    const gz = new Gunzip((chunk) => tar.push(chunk));
    push = (c, final) => gz.push(c, final);
  }
  const finish = async function* () {
    while (done.length) {
      const m = done.shift()!;
      await untilAborted(m.close(), ctx.signal);
      if (m.failed) ctx.log("ERROR", `unzip: ${names.get(m)}: ${m.failed.message}`);
      else yield { OriginalPath: names.get(m)!, NewPath: m.path, Size: m.size };
    }
  };
  try {
    for await (const c of abortable(agentHost(ctx.host).system.fs.read(filename, { signal: ctx.signal }), ctx.signal)) {
      push(c, false);
      yield* finish();
    }
    push(new Uint8Array(0), true);
    yield* finish();
  } finally {
    await Promise.all(members.map((m) => m.close().catch(() => {})));
  }
}

export const unzipPlugin = definePlugin({
  name: "unzip",
  category: "client",
  doc: "Extracts a zip or tar.gz archive into a directory: one row per file written (OriginalPath, NewPath, Size).",
  args: {
    filename: arg.string().required().doc("The archive."),
    accessor: arg.string().default("auto").doc("auto or file."),
    filename_filter: arg.string().doc("Only extract members whose names match this regex."),
    output_directory: arg.string().required().doc("Where to extract to (made when missing)."),
    type: arg.string().doc("zip or tgz (default: from the file's extension, zip unless .tgz/.tar.gz)."),
  },
  permissions: ["FILESYSTEM_WRITE", "FILESYSTEM_READ"],
  platforms: ["client"],
  sideEffects: true,
  async *run({ filename, accessor, filename_filter, output_directory, type }, ctx) {
    const problem = accessorProblem(accessor, "unzip");
    if (problem) return void ctx.log("ERROR", problem);
    let filter: ((n: string) => boolean) | undefined;
    if (filename_filter) {
      const re = compileRegex(filename_filter);
      if (isRegexError(re)) return void ctx.log("ERROR", `unzip: filename_filter: ${re.error}`);
      filter = (n) => re.test(n);
    }
    const kind = type ? (type.toLowerCase() === "zip" ? "zip" : "tgz") : /\.(tgz|tar\.gz)$/i.test(filename) ? "tgz" : "zip";
    const writer = writerOf(ctx);
    if (!writer) return;
    try {
      yield* extract(filename, kind, output_directory, filter, ctx, writer);
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `unzip: ${filename}: ${(err as Error).message}`);
    }
  },
});
