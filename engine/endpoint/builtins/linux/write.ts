// Writing the endpoint's files for the FILESYSTEM_WRITE builtins (tempfile(), copy(), rm(),
// unzip(), write_csv()...): open for write or append, temp directories under os.tmpdir(), removal.
import { mkdir, mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { EndpointWriter, FileSink } from "../system";

export function createLinuxWriter(): EndpointWriter {
  return {
    tempDir: () => tmpdir(),
    async open(path, o): Promise<FileSink> {
      if (o.createDirectories) await mkdir(dirname(path), { recursive: true, mode: o.dirMode ?? 0o755 });
      const fh = await open(path, o.exclusive ? "wx" : o.append ? "a" : "w", o.mode ?? 0o644);
      // open()'s mode applies to new files only and is masked by the umask: set it as asked.
      if (o.mode !== undefined) await fh.chmod(o.mode);
      let closed = false;
      return {
        async write(chunk) {
          await fh.write(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
        },
        async close() {
          if (closed) return;
          closed = true;
          await fh.close();
        },
      };
    },
    mkdtemp: () => mkdtemp(join(tmpdir(), "tmp")),
    async remove(path, o) {
      await rm(path, { recursive: Boolean(o?.recursive), force: false });
    },
  };
}
