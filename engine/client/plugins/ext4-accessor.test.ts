// The ext4 and raw_ext4 accessors against file-system images built with e2fsprogs (never
// mounted): mkfs.ext4 -d populates them, debugfs sets inode flags, e2fsck -D indexes big
// directories into htrees. Expected values are what was written into the images.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runVql, toJsonValue } from "@/engine/vql";
import { agentRegistry } from ".";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import type { AgentVqlHost } from "./host";
import { Ext4Volume, flagNames, goModeString } from "@/engine/endpoint/builtins/ext4/reader";
import { parseMountinfo } from "@/engine/endpoint/builtins/ext4/accessor";
import { createPathGuard, guardSystem, protectedPaths } from "@/engine/endpoint/builtins/protected-paths";

const CORPUS = resolve(import.meta.dirname, "../../../../shared/corpus/velociraptor-artifacts");
const system = createLinuxSystem();
const dir = mkdtempSync(join(tmpdir(), "talon-ext4-"));
const tools = ["mkfs.ext4", "debugfs", "e2fsck"].every((t) => {
  try {
    execFileSync("sh", ["-c", `command -v ${t} || test -x /usr/sbin/${t} || test -x /sbin/${t}`]);
    return true;
  } catch {
    return false;
  }
});
const env = { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` };
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });

const big = Buffer.alloc(300 * 1024);
for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 10)) & 0xff;

/** An image of `src` made with mkfs options `opts`; flags set on `flagged` paths. */
function image(name: string, opts: string[], size: string, flagged: string[] = []): string {
  const img = join(dir, name);
  sh("mkfs.ext4", ["-q", "-F", ...opts, "-d", join(dir, "src"), img, size]);
  for (const p of flagged) sh("debugfs", ["-w", "-R", `set_inode_field ${p} flags 0x80010`, img]);
  return img;
}

let ext4Img = "";
let ext2Img = "";
let bit64Img = "";

beforeAll(() => {
  if (!tools) return;
  const src = join(dir, "src");
  mkdirSync(join(src, "alice", "docs"), { recursive: true });
  mkdirSync(join(src, "bob"));
  mkdirSync(join(src, "many"));
  writeFileSync(join(src, "alice", "notes.txt"), "hello ext4\n");
  writeFileSync(join(src, "alice", "docs", "big.bin"), big);
  writeFileSync(join(src, "bob", "locked.sh"), "#!/bin/sh\necho locked\n");
  for (let i = 0; i < 300; i++) writeFileSync(join(src, "many", `file-${String(i).padStart(3, "0")}.txt`), `${i}`);
  ext4Img = image("ext4.img", [], "8M", ["/bob/locked.sh"]);
  // e2fsck -D rebuilds directories with enough entries as htrees (dir_index).
  try {
    sh("e2fsck", ["-fyD", ext4Img]);
  } catch {
    /* exit status 1: "file system modified" */
  }
  ext2Img = image("ext2.img", ["-t", "ext2", "-b", "1024"], "8M");
  bit64Img = image("ext64.img", ["-O", "64bit", "-b", "4096"], "16M", ["/alice/notes.txt"]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The endpoint with /proc/1/mountinfo replaced: `/home` is an ext4 mount of `img`. */
function hostWithMount(img: string, mountPoint = "/home", root = "/"): AgentVqlHost {
  const mountinfo = `22 1 8:1 / / rw,relatime shared:1 - overlay overlay rw\n29 22 8:2 ${root} ${mountPoint} rw,relatime shared:2 - ext4 ${img} rw\n`;
  return {
    system: {
      ...system,
      fs: {
        ...system.fs,
        read: (path, o) => (path === "/proc/1/mountinfo" ? (async function* () { yield Buffer.from(mountinfo); })() : system.fs.read(path, o)),
      },
    },
  };
}

async function run(vql: string, host: AgentVqlHost = { system }) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: agentRegistry(), host })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

const spec = (img: string, path = "/") => JSON.stringify({ DelegatePath: img, Path: path });

describe("pure pieces", () => {
  it("flag names follow the kernel's EXT4_*_FL bits", () => {
    expect(flagNames(0x80010)).toEqual(["IMMUTABLE", "EXTENTS"]);
    expect(flagNames(0x20 | 0x1000)).toEqual(["APPEND", "INDEX"]);
    expect(flagNames(0)).toEqual([]);
  });
  it("modes print as Go's FileMode.String()", () => {
    expect(goModeString(0o40755)).toBe("drwxr-xr-x");
    expect(goModeString(0o100644)).toBe("-rw-r--r--");
    expect(goModeString(0o120777)).toBe("Lrwxrwxrwx");
    expect(goModeString(0o104755)).toBe("urwxr-xr-x");
    expect(goModeString(0o20666)).toBe("Dcrw-rw-rw-");
  });
  it("mountinfo: ext4 mounts with octal escapes and bind roots", () => {
    const text = "36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 - ext4 /dev/root rw,errors=continue\n37 35 0:3 / /proc rw - proc proc rw\n";
    expect(parseMountinfo(text)).toEqual([{ root: "/mnt1", mountPoint: "/mnt two", device: "/dev/root" }]);
  });
});

describe.skipIf(!tools)("ext4 accessors over images", () => {
  it("raw_ext4 globs inside an image: names, sizes, Sys.mft inode numbers, Data.Flags", async () => {
    const { rows, logs } = await run(`SELECT Name, Size, IsDir, Mode, Sys.mft AS Inode, Data.Flags AS Flags, Data.Inode AS DataInode FROM glob(globs='*/*', root='${spec(ext4Img)}', accessor='raw_ext4') ORDER BY Name`);
    expect(logs).toEqual([]);
    const byName = Object.fromEntries(rows.map((r) => [r.Name, r]));
    expect(Object.keys(byName).filter((n) => !n.startsWith("file-")).sort()).toEqual(["docs", "locked.sh", "notes.txt"]);
    expect(rows.filter((r) => String(r.Name).startsWith("file-")).length).toBe(300);
    expect(byName["notes.txt"]).toMatchObject({ Size: 11, IsDir: false, Mode: "-rw-r--r--" });
    expect(byName["docs"]).toMatchObject({ IsDir: true, Mode: expect.stringMatching(/^d/) });
    expect(byName["locked.sh"]!.Flags).toContain("IMMUTABLE");
    expect(byName["locked.sh"]!.Flags).toContain("EXTENTS");
    expect(byName["notes.txt"]!.Flags).not.toContain("IMMUTABLE");
    expect(byName["locked.sh"]!.Inode).toBe(byName["locked.sh"]!.DataInode);
    // debugfs agrees on the inode number.
    const stat = sh("debugfs", ["-R", "stat /bob/locked.sh", ext4Img]).toString();
    expect(stat).toMatch(new RegExp(`Inode: ${byName["locked.sh"]!.Inode}\\b`));
  });

  it("recursion_callback keeps the walk out of directories it refuses", async () => {
    const { rows } = await run(`SELECT Name FROM glob(globs='/alice/**', root='${spec(ext4Img)}', accessor='raw_ext4', recursion_callback='x => NOT x.Name = "docs"')`);
    expect(rows.map((r) => r.Name).sort()).toEqual(["docs", "notes.txt"]);
    const all = await run(`SELECT Name FROM glob(globs='/alice/**', root='${spec(ext4Img)}', accessor='raw_ext4')`);
    expect(all.rows.map((r) => r.Name).sort()).toEqual(["big.bin", "docs", "notes.txt"]);
  });

  it("root=pathspec(DelegatePath=..., Path=...) as Velociraptor's raw_ext4 documentation writes it", async () => {
    const { rows, logs } = await run(`SELECT Name FROM glob(globs='*', root=pathspec(DelegateAccessor='file', DelegatePath='${ext4Img}', Path='/alice'), accessor='raw_ext4')`);
    expect(logs).toEqual([]);
    expect(rows.map((r) => r.Name).sort()).toEqual(["docs", "notes.txt"]);
  });

  it("the htree-indexed directory lists every entry once", async () => {
    const flags = await run(`SELECT Data.Flags AS Flags FROM stat(filename='${spec(ext4Img, "/many")}', accessor='raw_ext4')`);
    expect(flags.rows[0]!.Flags).toContain("INDEX");
    const { rows } = await run(`SELECT Name FROM glob(globs='/many/*', root='${spec(ext4Img)}', accessor='raw_ext4')`);
    expect(rows.map((r) => r.Name).sort()).toEqual(Array.from({ length: 300 }, (_, i) => `file-${String(i).padStart(3, "0")}.txt`));
  });

  it("read_file reads through extents (ext4), block maps (ext2, 1 KiB blocks: indirect blocks) and 64-bit descriptors", async () => {
    for (const img of [ext4Img, ext2Img, bit64Img]) {
      const small = await run(`SELECT read_file(filename='${spec(img, "/alice/notes.txt")}', accessor='raw_ext4') AS D FROM scope()`);
      expect(small.rows[0]!.D).toBe("hello ext4\n");
      const part = await run(`SELECT encode(string=read_file(filename='${spec(img, "/alice/docs/big.bin")}', accessor='raw_ext4', offset=200000, length=16), type='hex') AS D FROM scope()`);
      expect(part.rows[0]!.D).toBe(big.subarray(200000, 200016).toString("hex"));
    }
    // The whole file, byte for byte (ext2's 300 KiB reaches the double-indirect block).
    for (const img of [ext4Img, ext2Img, bit64Img]) {
      const bytes = readFileSync(img);
      const vol = await Ext4Volume.open(async (o, l) => bytes.subarray(o, o + l));
      const ino = await vol.lookup(["alice", "docs", "big.bin"]);
      expect(ino?.size).toBe(big.length);
      expect((await vol.read(ino!, 0, big.length)).equals(big)).toBe(true);
    }
    // hash() reads through the same reader: the digests of what was written.
    const sha = createHash("sha256").update(big).digest("hex");
    const h = await run(`SELECT hash(path='${spec(ext2Img, "/alice/docs/big.bin")}', accessor='raw_ext4').SHA256 AS S FROM scope()`);
    expect(h.rows).toEqual([{ S: sha }]);
    const ext2Flags = await run(`SELECT Data.Flags AS F, Size FROM stat(filename='${spec(ext2Img, "/alice/docs/big.bin")}', accessor='raw_ext4')`);
    expect(ext2Flags.rows).toEqual([{ F: "", Size: big.length }]);
  });

  it("ext4 maps system paths to the mount's device; Linux.Forensics.ImmutableFiles finds exactly the flagged file", async () => {
    const host = hostWithMount(ext4Img);
    const art = parse(readFileSync(join(CORPUS, "Linux/Forensics/ImmutableFiles.yaml"), "utf8")) as { sources: { query: string }[] };
    const vql = `LET SearchFilesGlob <= '/home/*/*'\nLET OneFilesystem <= FALSE\nLET DoNotFollowSymlinks <= FALSE\n${art.sources[0]!.query}`;
    const { rows, logs } = await run(vql, host);
    expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    expect(rows.map((r) => r.OSPath)).toEqual(["/home/bob/locked.sh"]);
    expect(rows[0]).toMatchObject({ Size: 22, IsDir: false });
    const read = await run(`SELECT read_file(filename='/home/alice/notes.txt', accessor='ext4') AS D FROM scope()`, host);
    expect(read.rows[0]!.D).toBe("hello ext4\n");
    const bind = await run(`SELECT OSPath, Size FROM stat(filename='/srv/notes.txt', accessor='ext4')`, hostWithMount(ext4Img, "/srv", "/alice"));
    expect(bind.rows).toEqual([{ OSPath: "/srv/notes.txt", Size: 11 }]);
  });

  it("the agent's protected paths stay protected through the raw device (ext4 and raw_ext4 of a mounted device)", async () => {
    const guardLog: string[] = [];
    const guarded = guardSystem(hostWithMount(ext4Img).system, createPathGuard(protectedPaths({ extra: ["/home/bob"] })), (m) => guardLog.push(m));
    const host: AgentVqlHost = { system: guarded };
    const globbed = await run(`SELECT OSPath FROM glob(globs='/home/**', accessor='ext4')`, host);
    expect(globbed.rows.map((r) => r.OSPath)).toContain("/home/alice/notes.txt");
    expect(globbed.rows.map((r) => r.OSPath).filter((p) => String(p).startsWith("/home/bob"))).toEqual([]);
    const read = await run(`SELECT read_file(filename='/home/bob/locked.sh', accessor='ext4') AS D FROM scope()`, host);
    expect(read.rows[0]!.D).toBeNull();
    expect(read.logs.join("\n")).toMatch(/refused to read \/home\/bob/);
    const raw = await run(`SELECT read_file(filename='${spec(ext4Img, "/bob/locked.sh")}', accessor='raw_ext4') AS D FROM scope()`, host);
    expect(raw.rows[0]!.D).toBeNull();
    const rawStat = await run(`SELECT * FROM stat(filename='${spec(ext4Img, "/bob")}', accessor='raw_ext4')`, host);
    expect(rawStat.rows).toEqual([]);
    expect(guardLog.length).toBeGreaterThan(0);
  });

  it("clear errors: a path on no ext4 mount, a source that is not ext4, a missing file", async () => {
    const none = await run(`SELECT * FROM stat(filename='/etc/passwd', accessor='ext4')`, hostWithMount(ext4Img));
    expect(none.logs.join("\n")).toMatch(/no ext4 file system is mounted at or above \/etc\/passwd/);
    writeFileSync(join(dir, "junk.img"), Buffer.alloc(8192));
    const junk = await run(`SELECT * FROM glob(globs='*', root='${spec(join(dir, "junk.img"))}', accessor='raw_ext4')`);
    expect(junk.logs.join("\n")).toMatch(/not an ext2\/3\/4 file system/);
    const missing = await run(`SELECT read_file(filename='${spec(ext4Img, "/nope")}', accessor='raw_ext4') AS D FROM scope()`);
    expect(missing.rows[0]!.D).toBeNull();
    expect(missing.logs.join("\n")).toMatch(/no such file/);
  });
});

describe.skipIf(!tools)("ext4 accessors: break and abort", () => {
  it("LIMIT 1 stops the walk after one row", async () => {
    const { rows } = await run(`SELECT Name FROM glob(globs='/many/*', root='${spec(ext4Img)}', accessor='raw_ext4') LIMIT 1`);
    expect(rows).toEqual([{ Name: "file-000.txt" }]);
  });

  it("an abort while the device read hangs ends glob(), stat() and read_file() within 100 ms", async () => {
    const never = { [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<Uint8Array>>(() => {}) }) };
    const host: AgentVqlHost = { system: { ...system, fs: { ...system.fs, read: () => never } } };
    for (const vql of [
      `SELECT * FROM glob(globs='*', root='${spec("/dev/hang")}', accessor='raw_ext4')`,
      `SELECT * FROM stat(filename='${spec("/dev/hang", "/a")}', accessor='raw_ext4')`,
      `SELECT read_file(filename='/home/a', accessor='ext4') AS D FROM scope()`,
    ]) {
      const ac = new AbortController();
      let abortedAt = 0;
      setTimeout(() => {
        abortedAt = performance.now();
        ac.abort();
      }, 30);
      const kinds: string[] = [];
      for await (const e of runVql(vql, { registry: agentRegistry(), host, signal: ac.signal })) kinds.push(e.kind);
      expect(abortedAt).toBeGreaterThan(0);
      expect(performance.now() - abortedAt).toBeLessThan(100);
      expect(kinds).not.toContain("row");
    }
  });
});
