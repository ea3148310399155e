// vfs_ls() on this Linux machine: Velociraptor's vql/filesystem/vfs_ls.go row shape (entries
// with a running Idx, a Stats summary per directory, subdirectories after their parent's
// summary down to `depth`). Expected values from first principles: the temp tree made here.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runVql, toJsonValue } from "@/engine/vql";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { agentRegistry } from ".";
import { pathComponents } from "./vfs-ls";

const system = createLinuxSystem();
const dir = mkdtempSync(join(tmpdir(), "talon-vfs-ls-"));
const base = pathComponents(dir);

async function run(vql: string) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: agentRegistry(), host: { system } })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

beforeAll(() => {
  writeFileSync(join(dir, "a.txt"), "12345");
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "sub", "b.bin"), "xy");
  mkdirSync(join(dir, "sub", "deeper"));
  symlinkSync(join(dir, "sub"), join(dir, "z-link"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("vfs_ls()", () => {
  it("depth 0: one row per entry with a running Idx, then the directory's Stats row", async () => {
    const { rows, logs } = await run(`SELECT * FROM vfs_ls(path='${dir}')`);
    expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    expect(rows.map((r) => [r.Name, r.Idx, r.Stats])).toEqual([
      ["a.txt", 0, null],
      ["sub", 1, null],
      ["z-link", 2, null],
      ["", 0, { start_idx: 0, end_idx: 3 }],
    ]);
    const a = rows[0]!;
    expect(Object.keys(a)).toEqual(["FullPath", "OSPath", "Components", "Accessor", "Data", "Stats", "Name", "Size", "Mode", "Mtime", "Atime", "Ctime", "Btime", "Idx"]);
    expect(a).toMatchObject({ FullPath: join(dir, "a.txt"), OSPath: join(dir, "a.txt"), Components: [...base, "a.txt"], Accessor: "file", Size: 5 });
    expect(String(a.Mode)[0]).toBe("-");
    expect(String(rows[1]!.Mode)[0]).toBe("d");
    expect(String(rows[2]!.Mode)[0]).toBe("L");
    expect(typeof a.Mtime).toBe("string");
    expect(rows[3]).toMatchObject({ Components: base, Accessor: "file" });
  });

  it("depth 1: subdirectories follow their parent's Stats row, Idx keeps counting; symlinks are not followed", async () => {
    const { rows } = await run(`SELECT Name, Components, Idx, Stats FROM vfs_ls(path='${dir}', depth=1)`);
    expect(rows).toEqual([
      { Name: "a.txt", Components: [...base, "a.txt"], Idx: 0, Stats: null },
      { Name: "sub", Components: [...base, "sub"], Idx: 1, Stats: null },
      { Name: "z-link", Components: [...base, "z-link"], Idx: 2, Stats: null },
      { Name: "", Components: base, Idx: 0, Stats: { start_idx: 0, end_idx: 3 } },
      { Name: "b.bin", Components: [...base, "sub", "b.bin"], Idx: 3, Stats: null },
      { Name: "deeper", Components: [...base, "sub", "deeper"], Idx: 4, Stats: null },
      { Name: "", Components: [...base, "sub"], Idx: 0, Stats: { start_idx: 3, end_idx: 5 } },
    ]);
  });

  it("components are appended to path (path='/' and components, as System.VFS.ListDirectory calls it)", async () => {
    const comps = JSON.stringify([...base, "sub"]);
    const { rows } = await run(`SELECT Name, Stats FROM vfs_ls(path='/', components=${comps})`);
    expect(rows).toEqual([
      { Name: "b.bin", Stats: null },
      { Name: "deeper", Stats: null },
      { Name: "", Stats: { start_idx: 0, end_idx: 2 } },
    ]);
  });

  it("a missing directory logs and gives no rows; another accessor is refused", async () => {
    const missing = await run(`SELECT * FROM vfs_ls(path='${dir}/nope')`);
    expect(missing.rows).toEqual([]);
    expect(missing.logs.some((l) => l.startsWith("ERROR vfs_ls:"))).toBe(true);
    const ntfs = await run(`SELECT * FROM vfs_ls(path='${dir}', accessor='ntfs')`);
    expect(ntfs.rows).toEqual([]);
    expect(ntfs.logs.some((l) => l.includes("accessor `ntfs`"))).toBe(true);
  });

  it("runs the corpus System.VFS.ListDirectory's export and sources (generate() shared by Listing and Stats)", async () => {
    const comps = JSON.stringify(base);
    const head = `LET Components = ${comps} LET Accessor = 'file' LET Depth = 0 LET _SessionId = 'F.1'
      LET VFSGenerator = generate(name="vfs-" + _SessionId, query={
         SELECT * FROM vfs_ls(path="/", components=Components, accessor=Accessor, depth=Depth)
      }, delay=50)`;
    const listing = await run(`${head}
      SELECT OSPath AS _OSPath, Components AS _Components, Accessor AS _Accessor, Data AS _Data,
             Name, Size, Mode, Mtime as mtime, Atime as atime, Ctime as ctime, Btime as btime, Idx AS _Idx
      FROM VFSGenerator WHERE Stats = NULL`);
    expect(listing.rows.map((r) => [r.Name, r._Idx, r._OSPath])).toEqual([
      ["a.txt", 0, join(dir, "a.txt")],
      ["sub", 1, join(dir, "sub")],
      ["z-link", 2, join(dir, "z-link")],
    ]);
    const stats = await run(`${head} SELECT Components, Accessor, Stats FROM VFSGenerator WHERE Stats != NULL`);
    expect(stats.rows).toEqual([{ Components: base, Accessor: "file", Stats: { start_idx: 0, end_idx: 3 } }]);
    const version = await run(`SELECT version(plugin="vfs_ls") AS V FROM scope()`);
    expect(version.rows).toEqual([{ V: 1 }]);
  });
});
