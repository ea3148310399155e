// Endpoint paths as the file browser keys them: no trailing separator (`/` for the root), the
// parent directory of a path, and a path's depth below another. `/` and `\` both separate
// (Windows agents answer with backslashes). Pure.

const SEP = /[\\/]+/;

/** `"/etc/"` → `"/etc"`, `""` → `"/"`, `"//a//b"` → `"/a/b"`; Windows paths keep their separators. */
export function normalizePath(path: string): string {
  const p = path.trim();
  if (!p) return "/";
  if (p.includes("\\") && !p.startsWith("/")) return p.replace(/\\+/g, "\\").replace(/\\+$/, "") || "\\";
  const parts = p.split(SEP).filter(Boolean);
  return `/${parts.join("/")}`;
}

/** The directory holding `path` (`/` for the root's children and the root itself). */
export function parentOf(path: string): string {
  const p = normalizePath(path);
  const i = Math.max(p.lastIndexOf("/"), p.lastIndexOf("\\"));
  if (i <= 0) return "/";
  return p.slice(0, i);
}

/** The last component of a path. */
export function baseName(path: string): string {
  const parts = normalizePath(path).split(SEP).filter(Boolean);
  return parts[parts.length - 1] ?? "";
}

/** How many components `path` has below `root` (1 for a direct child). */
export function depthBelow(path: string, root: string): number {
  return normalizePath(path).split(SEP).filter(Boolean).length - normalizePath(root).split(SEP).filter(Boolean).length;
}
