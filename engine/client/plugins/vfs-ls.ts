// vfs_ls(): a directory listing in the rows Velociraptor's vfs_ls plugin emits for its VFS
// service (vql/filesystem/vfs_ls.go, services.VFSListRow): one row per entry with a running
// Idx, then a summary row per directory (Components, Accessor, Stats {start_idx, end_idx}: the
// Idx range of its entries), then the subdirectories down to `depth` levels below, each the
// same way. Symlinked directories are not descended into. Reads through the agent's file
// system (protected paths apply).
import { abortable, arg, definePlugin, untilAborted } from "@/engine/vql";
import { agentHost } from "@/engine/endpoint/builtins/host";
import type { FileInfo } from "@/engine/endpoint/builtins/system";
import { accessorProblem, ts } from "@/engine/endpoint/builtins/values";

/** Components of a Linux path ("/" is []). */
export function pathComponents(path: string): string[] {
  return path.split("/").filter((c) => c !== "" && c !== ".");
}

/** A directory as a glob root whose wildcard characters match only themselves. */
function literalRoot(components: string[]): string {
  return "/" + components.map((c) => c.replace(/[*?[]/g, (m) => `[${m}]`)).join("/");
}

function entryRow(f: FileInfo, accessor: string, idx: number): Record<string, unknown> {
  return {
    FullPath: f.OSPath,
    OSPath: f.OSPath,
    Components: pathComponents(f.OSPath),
    Accessor: accessor,
    Data: f.Data ?? {},
    Stats: null,
    Name: f.Name,
    Size: f.Size,
    Mode: f.Mode,
    Mtime: ts(f.Mtime),
    Atime: ts(f.Atime),
    Ctime: ts(f.Ctime),
    Btime: ts(f.Btime),
    Idx: idx,
  };
}

/** The directory's summary row: Velociraptor leaves the entry fields at their zero values. */
function statsRow(components: string[], accessor: string, start: number, end: number): Record<string, unknown> {
  return {
    FullPath: "",
    OSPath: null,
    Components: components,
    Accessor: accessor,
    Data: null,
    Stats: { start_idx: start, end_idx: end },
    Name: "",
    Size: 0,
    Mode: "",
    Mtime: null,
    Atime: null,
    Ctime: null,
    Btime: null,
    Idx: 0,
  };
}

export const vfsLsPlugin = definePlugin({
  name: "vfs_ls",
  category: "client",
  version: 1,
  doc: "List directory and build a VFS object: one row per entry (FullPath, OSPath, Components, Accessor, Data, Stats NULL, Name, Size, Mode, Mtime, Atime, Ctime, Btime, Idx), then for each directory a summary row with Components, Accessor and Stats {start_idx, end_idx} (the Idx range of its entries); subdirectories follow down to `depth` levels.",
  args: {
    path: arg.string().doc("The directory to refresh."),
    components: arg.list(arg.string()).doc("Alternatively a list of path components can be given."),
    accessor: arg.string().doc("An accessor to use."),
    depth: arg.int().min(0).doc("Depth of directory to list (default 0)."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ path, components, accessor, depth }, ctx) {
    const accessorName = accessor || "file";
    const problem = accessorProblem(accessorName, "vfs_ls");
    if (problem) return void ctx.log("ERROR", problem);
    const fs = agentHost(ctx.host).system.fs;
    const maxDepth = depth ?? 0;
    const counter = { end: 0 };

    async function* listDir(dir: string[], level: number): AsyncGenerator<Record<string, unknown>> {
      if (level > maxDepth) return;
      const start = counter.end;
      const dirPath = "/" + dir.join("/");
      const st = await untilAborted(fs.stat(dirPath), ctx.signal);
      if (!st) return void ctx.log("ERROR", `vfs_ls: ${dirPath}: no such file or directory`);
      if (!st.IsDir) return void ctx.log("ERROR", `vfs_ls: ${dirPath}: not a directory`);
      const subdirs: string[][] = [];
      const entries: FileInfo[] = [];
      for await (const f of abortable(fs.glob(["*"], { root: literalRoot(dir), signal: ctx.signal }), ctx.signal)) entries.push(f);
      entries.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
      for (const f of entries) {
        if (maxDepth > level && f.IsDir && !f.IsLink) subdirs.push([...dir, f.Name]);
        yield entryRow(f, accessorName, counter.end);
        counter.end++;
      }
      yield statsRow(dir, accessorName, start, counter.end);
      for (const sub of subdirs) yield* listDir(sub, level + 1);
    }

    yield* listDir([...pathComponents(path ?? "/"), ...(components ?? [])], 0);
  },
});
