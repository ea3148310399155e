// The Unix ar archive that holds a .deb's members (debian-binary, control.tar.gz, data.tar.gz):
// the global header `!<arch>\n`, then per member a 60-byte ASCII header (name 16, mtime 12, uid 6,
// gid 6, octal mode 8, size 10, the magic "`\n") and its bytes, padded with "\n" to an even
// length. Written here: the format is that header alone, and no maintained npm library writes it
// (dpkg-deb reads the result in the tests).
export interface ArMember {
  name: string;
  data: Uint8Array;
  mode?: number;
  mtime?: number;
}

function field(value: string, width: number): string {
  if (value.length > width) throw new Error(`ar: ${JSON.stringify(value)} does not fit in ${width} characters`);
  return value.padEnd(width, " ");
}

export function arArchive(members: readonly ArMember[]): Buffer {
  const parts: Buffer[] = [Buffer.from("!<arch>\n", "latin1")];
  for (const m of members) {
    if (!/^[\x21-\x7e]{1,15}$/.test(m.name) || m.name.includes("/")) throw new Error(`ar: member name ${JSON.stringify(m.name)} is not a short name`);
    const header =
      field(m.name, 16) + field(String(Math.floor(m.mtime ?? 0)), 12) + field("0", 6) + field("0", 6) + field((m.mode ?? 0o100644).toString(8), 8) + field(String(m.data.length), 10) + "`\n";
    parts.push(Buffer.from(header, "latin1"), Buffer.from(m.data));
    if (m.data.length % 2) parts.push(Buffer.from("\n", "latin1"));
  }
  return Buffer.concat(parts);
}
