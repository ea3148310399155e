// A Debian binary package: the ar archive (ar.ts) of `debian-binary` (2.0), control.tar.gz
// (control, md5sums and the maintainer scripts) and data.tar.gz (the files, their directories
// as entries), as dpkg-deb builds one.
import { createHash } from "node:crypto";
import { arArchive } from "./ar";
import { tarGz, type TarFile } from "./tar";

export interface DebMetadata {
  name: string;
  version: string;
  arch: string;
  maintainer: string;
  description: string;
  homepage?: string;
  depends?: string;
  mtime: Date;
  /** postinst, prerm, preinst, postrm. */
  scripts: Record<string, string>;
}

/** A control-file field value on one line (newlines folded into spaces). */
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ").trim();

export async function buildDeb(meta: DebMetadata, files: readonly TarFile[]): Promise<Buffer> {
  const installedKb = Math.ceil(files.reduce((n, f) => n + f.data.length, 0) / 1024);
  const control =
    [
      `Package: ${oneLine(meta.name)}`,
      `Version: ${oneLine(meta.version)}`,
      `Architecture: ${oneLine(meta.arch)}`,
      `Maintainer: ${oneLine(meta.maintainer)}`,
      `Installed-Size: ${installedKb}`,
      ...(meta.depends ? [`Depends: ${oneLine(meta.depends)}`] : []),
      "Section: admin",
      "Priority: optional",
      ...(meta.homepage ? [`Homepage: ${oneLine(meta.homepage)}`] : []),
      `Description: ${oneLine(meta.description) || meta.name}`,
    ].join("\n") + "\n";
  const md5sums = files.map((f) => `${createHash("md5").update(f.data).digest("hex")}  ${f.path.replace(/^\/+/, "")}\n`).join("");
  const enc = (s: string) => Buffer.from(s, "utf8");
  const controlFiles: TarFile[] = [
    { path: "control", data: enc(control), mode: 0o644 },
    { path: "md5sums", data: enc(md5sums), mode: 0o644 },
    ...Object.entries(meta.scripts)
      .filter(([, body]) => body.trim() !== "")
      .map(([name, body]) => ({ path: name, data: enc(body.startsWith("#!") ? body : `#!/bin/sh\nset -e\n${body}`), mode: 0o755 })),
  ];
  const controlTar = await tarGz(controlFiles, meta.mtime);
  const dataTar = await tarGz(files.map((f) => ({ ...f, path: f.path.replace(/^\/+/, "") })), meta.mtime, { directories: true });
  const mtime = Math.floor(meta.mtime.getTime() / 1000);
  return arArchive([
    { name: "debian-binary", data: enc("2.0\n"), mtime },
    { name: "control.tar.gz", data: controlTar, mtime },
    { name: "data.tar.gz", data: dataTar, mtime },
  ]);
}
