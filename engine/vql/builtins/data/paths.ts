/**
 * basename(), dirname(), path_join(), path_split(): path text handling with Windows or Unix
 * separators (no filesystem access). `path_type` windows/linux/generic; default: guessed from
 * the path (a backslash or drive letter means Windows).
 */
import { arg } from "../arg";
import { defineFunction } from "../define";

function isWindows(path: string, pathType: string | undefined): boolean {
  if (pathType === "windows" || pathType === "ntfs") return true;
  if (pathType === "linux" || pathType === "generic") return false;
  return path.includes("\\") || /^[A-Za-z]:/.test(path);
}

export function splitPath(path: string, pathType?: string): string[] {
  const parts = path.split(isWindows(path, pathType) ? /[\\/]+/ : /\/+/);
  return parts.filter((p) => p !== "");
}

const PATH_TYPE = () => arg.string().doc("windows, linux or generic (default: guessed from the path).");

export const basenameFunction = defineFunction({
  name: "basename",
  category: "paths",
  doc: "The last component of a path.",
  args: { path: arg.string().required().doc("The path."), sep: arg.string().doc("Separator to use instead of the path type's."), path_type: PATH_TYPE() },
  argErrorValue: false,
  run({ path, sep, path_type }) {
    const parts = sep ? path.split(sep).filter((p) => p) : splitPath(path, path_type);
    return parts.at(-1) ?? "";
  },
});

export const dirnameFunction = defineFunction({
  name: "dirname",
  category: "paths",
  doc: "The path without its last component.",
  args: { path: arg.string().required().doc("The path."), sep: arg.string().doc("Separator to use instead of the path type's."), path_type: PATH_TYPE() },
  argErrorValue: false,
  run({ path, sep, path_type }) {
    const win = isWindows(path, path_type);
    const s = sep ?? (win ? "\\" : "/");
    const parts = sep ? path.split(sep).filter((p) => p) : splitPath(path, path_type);
    parts.pop();
    const lead = !win && path.startsWith("/") ? "/" : win && path.startsWith("\\\\") ? "\\\\" : "";
    return lead + parts.join(s);
  },
});

export const pathJoinFunction = defineFunction({
  name: "path_join",
  category: "paths",
  doc: "Join path components with the separator of the path type.",
  args: {
    components: arg.list(arg.string()).required().doc("The components to join."),
    sep: arg.string().doc("Separator (default: / or \\ by path type)."),
    path_type: PATH_TYPE(),
  },
  run({ components, sep, path_type }) {
    const win = isWindows(components.join(""), path_type);
    const s = sep ?? (win ? "\\" : "/");
    const parts = components.flatMap((c) => splitPath(c, win ? "windows" : "linux"));
    const lead = !win && components[0]?.startsWith("/") ? "/" : "";
    return lead + parts.join(s);
  },
});

export const pathSplitFunction = defineFunction({
  name: "path_split",
  category: "paths",
  doc: "The components of a path as a list.",
  args: { path: arg.string().required().doc("The path."), path_type: PATH_TYPE() },
  run: ({ path, path_type }) => splitPath(path, path_type),
});
