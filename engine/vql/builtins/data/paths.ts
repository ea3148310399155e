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

/**
 * Go's filepath.Rel: `path` relative to `base` (both cleaned); "" when one is absolute and the
 * other not. Windows paths (a backslash or drive letter) compare case-insensitively and join
 * with `\`, as on a Windows Velociraptor; `sep` "/" gives forward slashes.
 */
export function relativePath(path: string, base: string, sep?: string): string {
  const win = isWindows(path + base, undefined);
  const abs = (p: string) => (win ? /^([A-Za-z]:)?[\\/]/.test(p) : p.startsWith("/"));
  if (abs(path) !== abs(base)) return "";
  const t = splitPath(path, win ? "windows" : "linux").filter((c) => c !== ".");
  const b = splitPath(base, win ? "windows" : "linux").filter((c) => c !== ".");
  const clean = (parts: string[]) => {
    const out: string[] = [];
    for (const c of parts) {
      if (c === ".." && out.length && out.at(-1) !== "..") out.pop();
      else if (c !== ".." || !abs(path)) out.push(c);
    }
    return out;
  };
  const tc = clean(t);
  const bc = clean(b);
  const same = (x: string, y: string) => (win ? x.toLowerCase() === y.toLowerCase() : x === y);
  let i = 0;
  while (i < tc.length && i < bc.length && same(tc[i]!, bc[i]!)) i++;
  if (bc.slice(i).includes("..")) return "";
  const parts = [...bc.slice(i).map(() => ".."), ...tc.slice(i)];
  if (parts.length === 0) return ".";
  return parts.join(sep === "/" || !win ? "/" : "\\");
}

export const relpathFunction = defineFunction({
  name: "relpath",
  category: "paths",
  doc: "The path relative to `base` (Go's filepath.Rel: `..` climbs out of base; \"\" when only one of them is absolute).",
  args: {
    path: arg.string().required().doc("The path to make relative."),
    base: arg.string().required().doc("The base of the path."),
    sep: arg.string().doc("Separator to use (`/` gives forward slashes for Windows paths)."),
  },
  argErrorValue: false,
  run: ({ path, base, sep }) => relativePath(path, base, sep),
});
