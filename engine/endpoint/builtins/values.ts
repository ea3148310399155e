// Shared helpers for agent builtins: VQL timestamps from dates, rows from file info, and the
// accessor check (the agent reads the local file system: accessors auto, file; data = the text).
import { Timestamp } from "../../vql";
import type { FileInfo } from "./system";

export const ts = (d: Date) => Timestamp.fromDate(d);

export function fileRow(f: FileInfo): Record<string, unknown> {
  return {
    Name: f.Name,
    OSPath: f.OSPath,
    FullPath: f.OSPath,
    Size: f.Size,
    Mode: f.Mode,
    IsDir: f.IsDir,
    IsLink: f.IsLink,
    Data: f.Data ?? {},
    Mtime: ts(f.Mtime),
    Atime: ts(f.Atime),
    Ctime: ts(f.Ctime),
    Btime: ts(f.Btime),
    ModTime: ts(f.Mtime),
    ...(f.Uid === undefined ? {} : { Sys: { Uid: f.Uid, Gid: f.Gid } }),
  };
}

export const FILE_ACCESSORS = new Set(["", "auto", "file"]);

export function accessorProblem(accessor: string | undefined, name: string): string | undefined {
  if (accessor === undefined || FILE_ACCESSORS.has(accessor)) return undefined;
  return `${name}: accessor \`${accessor}\` is not available on this agent (use auto or file)`;
}
