// The file upload_s3() and upload_gcs() send, opened through the accessor the call names:
// `fs` is the server's file store (create_flow_download()'s exports, materialised with the
// file-store service's localPath, READ_RESULTS), `data` is the `file` text itself, and
// `auto`/`file`/none is the server's own file system through the host's guarded file system
// (which refuses the data directory). Reads in parts of a given size; owns no wire format.
import { open } from "node:fs/promises";
import { abortable, type BuiltinContext } from "@/engine/vql";
import { fileStoreOf, serverHost } from "../host";

export interface SourceFile {
  size: number;
  /** The bytes in parts of `partSize` (the last may be shorter; an empty file is one empty part). */
  parts(partSize: number, signal: AbortSignal): AsyncIterable<Buffer>;
}

/** A path argument as text (a string, or a path value such as glob()'s OSPath). */
export function pathText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v && typeof v === "object") return String(v);
  return v === null || v === undefined ? "" : String(v);
}

function fromBuffer(b: Buffer): SourceFile {
  return {
    size: b.length,
    async *parts(partSize) {
      if (!b.length) yield b;
      for (let i = 0; i < b.length; i += partSize) yield b.subarray(i, i + partSize);
    },
  };
}

async function fromLocal(path: string): Promise<SourceFile> {
  const h = await open(path, "r");
  const st = await h.stat().finally(() => h.close());
  if (st.isDirectory()) throw new Error(`${path} is a directory`);
  return {
    size: st.size,
    async *parts(partSize, signal) {
      const f = await open(path, "r");
      try {
        let offset = 0;
        do {
          signal.throwIfAborted();
          const want = Math.min(partSize, st.size - offset);
          const buf = Buffer.alloc(want);
          let got = 0;
          while (got < want) {
            const { bytesRead } = await f.read(buf, got, want - got, offset + got);
            if (!bytesRead) break;
            got += bytesRead;
          }
          yield buf.subarray(0, got);
          offset += got;
          if (got < want) break;
        } while (offset < st.size);
      } finally {
        await f.close();
      }
    },
  };
}

async function fromSystem(ctx: BuiltinContext, path: string): Promise<SourceFile> {
  const system = serverHost(ctx.host).system;
  if (!system) throw new Error("this query has no access to the server's file system");
  const info = await system.fs.stat(path);
  if (!info) throw new Error(`Unable to open ${path}: no such file`);
  if (info.IsDir) throw new Error(`${path} is a directory`);
  const size = info.Size;
  return {
    size,
    async *parts(partSize, signal) {
      let offset = 0;
      do {
        const chunks: Buffer[] = [];
        for await (const c of abortable(system.fs.read(path, { offset, length: partSize, signal }), signal)) chunks.push(Buffer.from(c));
        const part = Buffer.concat(chunks);
        yield part;
        offset += part.length;
        if (part.length < partSize) break;
      } while (offset < size);
    },
  };
}

/** The file, or an Error saying why it cannot be read (the caller logs it). */
export async function openSource(ctx: BuiltinContext, file: string, accessor: string | undefined): Promise<SourceFile> {
  switch (accessor ?? "") {
    case "data":
      return fromBuffer(Buffer.from(file, "utf8"));
    case "fs": {
      const { principal, services } = serverHost(ctx.host);
      return fromLocal(await fileStoreOf(services).localPath(principal, file.replace(/^fs:/, "")));
    }
    case "":
    case "auto":
    case "file":
      return fromSystem(ctx, file);
    default:
      throw new Error(`accessor \`${accessor}\` is not available on the server (use fs, data, auto or file)`);
  }
}
