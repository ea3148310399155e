// gzip-compressed tar archives (a .deb's control.tar.gz and data.tar.gz) through tar-stream,
// with the parent directories of every file as entries of their own, owner root, fixed mtime.
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";

export interface TarFile {
  /** A path without its leading `./` (written as `./path`). */
  path: string;
  data: Uint8Array;
  mode: number;
}

export async function tarGz(files: readonly TarFile[], mtime: Date, opts: { directories?: boolean } = {}): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    p.on("end", () => resolve());
    p.on("error", reject);
  });
  const owner = { uid: 0, gid: 0, uname: "root", gname: "root", mtime };
  const seen = new Set<string>();
  const entry = (header: Parameters<typeof p.entry>[0], data?: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (data) p.entry(header, Buffer.from(data), cb);
      else p.entry(header, cb);
    });
  if (opts.directories) await entry({ name: "./", type: "directory", mode: 0o755, ...owner });
  for (const f of files) {
    const parts = f.path.split("/").filter(Boolean);
    if (opts.directories) {
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join("/");
        if (seen.has(dir)) continue;
        seen.add(dir);
        await entry({ name: `./${dir}/`, type: "directory", mode: 0o755, ...owner });
      }
    }
    await entry({ name: `./${parts.join("/")}`, type: "file", mode: f.mode, size: f.data.length, ...owner }, f.data);
  }
  p.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}
