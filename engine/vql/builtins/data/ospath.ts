/**
 * OSPath: the path value pathspec() returns, shaped like Velociraptor's accessors.OSPath: a
 * list of components, a path type that decides how the components are read from and written
 * to text (generic, linux, windows, ntfs, registry, pathspec), and an optional delegate
 * (accessor and path) that makes its text a JSON pathspec. `+` appends components, `[i]` and
 * `[a:b]` index them, and it prints and serialises as its text. Written for Talon from
 * Velociraptor's documented path rules (accessors/manipulators.go, utils/path.go).
 */
import { VQL_COMPARE } from "../../values/host-compare";
import { VQL_ADD, VQL_INDEX, VQL_SLICE, VQL_TEXT, VQL_TRUTHY } from "../../values/host-ops";
import { OrderedDict } from "../../values/ordered-dict";

export type PathType = "generic" | "linux" | "windows" | "ntfs" | "registry" | "pathspec";

export const PATH_TYPES: readonly string[] = ["", "generic", "linux", "windows", "ntfs", "registry", "pathspec"];

export interface PathSpecParts {
  DelegateAccessor?: string;
  DelegatePath?: string;
  Delegate?: PathSpecParts;
  Path?: string;
}

/** A pathspec as Velociraptor's JSON encoder writes it (empty fields left out). */
export function pathSpecText(p: PathSpecParts): string {
  const o: Record<string, unknown> = {};
  if (p.DelegateAccessor) o.DelegateAccessor = p.DelegateAccessor;
  if (p.DelegatePath) o.DelegatePath = p.DelegatePath;
  if (p.Delegate) o.Delegate = JSON.parse(pathSpecText(p.Delegate));
  if (p.Path) o.Path = p.Path;
  return JSON.stringify(o);
}

/** utils.SplitComponents: split on / and \, a "quoted" component keeps its separators. */
export function splitComponents(path: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = path.length;
  while (i < n) {
    let comp = "";
    if (path[i] === "/" || path[i] === "\\") {
      i++;
      continue;
    }
    if (path[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) break;
        const c = path[i]!;
        if (c === '"') {
          if (i + 1 >= n) {
            i++;
            break;
          }
          const next = path[i + 1]!;
          if (next === "/" || next === "\\") {
            i++;
            break;
          }
          comp += next;
          i += 2;
          continue;
        }
        comp += c;
        i++;
      }
    } else {
      while (i < n && path[i] !== "/" && path[i] !== "\\") comp += path[i++];
    }
    if (comp !== "" && comp !== "." && comp !== "..") out.push(comp);
  }
  return out;
}

function escapeComponent(c: string): string {
  if (!/[/\\"]/.test(c)) return c;
  return '"' + c.replaceAll('"', '""') + '"';
}

/** utils.JoinComponents: a leading separator unless the first component is a drive letter. */
export function joinComponents(components: readonly string[], sep: string): string {
  if (components.length === 0) return "";
  const parts: string[] = /^[a-zA-Z]:$/.test(components[0]!) ? [] : [""];
  for (const c of components) if (c !== "") parts.push(escapeComponent(c));
  return parts.join(sep);
}

const HIVES: Record<string, string> = { HKCU: "HKEY_CURRENT_USER", HKLM: "HKEY_LOCAL_MACHINE", HKU: "HKEY_USERS" };

/** The components of a path's text (the Path part of a pathspec) by path type. */
function parseComponents(path: string, type: PathType): string[] {
  switch (type) {
    case "linux":
      return path.split("/").filter((c) => c !== "" && c !== "." && c !== "..");
    case "windows":
    case "ntfs": {
      const m =
        /^(\\\\[?.]\\[a-zA-Z]:)(.*)$/s.exec(path) ?? /^(\\\\[?.]\\GLOBALROOT\\Device\\[^/\\]+)([/\\]?.*)$/is.exec(path) ?? /^(\\\\[^\\]+)\\(.*)$/s.exec(path);
      const comps = m ? [m[1]!, ...splitComponents(m[2]!)] : splitComponents(path);
      if (type === "ntfs" && comps.length && /^[/\\]?[a-z]:/i.test(comps[0]!)) comps[0] = "\\\\.\\" + comps[0]!.toUpperCase();
      return comps;
    }
    case "registry": {
      const comps = splitComponents(path);
      if (comps.length) {
        const caps = comps[0]!.toUpperCase();
        comps[0] = HIVES[caps] ?? (comps[0]!.startsWith("HKEY_") ? caps : comps[0]!);
      }
      return comps;
    }
    default:
      return splitComponents(path);
  }
}

export class OSPath {
  constructor(
    readonly Components: string[],
    readonly type: PathType,
    readonly spec: Omit<PathSpecParts, "Path"> = {},
  ) {}

  /** accessors.ParsePath: text (or a JSON pathspec) of a path type. */
  static parse(text: string, type: PathType): OSPath {
    if (type === "pathspec" || text.startsWith("{")) {
      let spec: PathSpecParts;
      try {
        spec = text === "" ? {} : (JSON.parse(text) as PathSpecParts);
      } catch (err) {
        throw new Error(`While decoding pathspec: ${(err as Error).message}`);
      }
      const { Path = "", ...rest } = spec;
      if (type === "pathspec") return new OSPath([Path], type, rest);
      return new OSPath(parseComponents(Path, type), type, rest);
    }
    return new OSPath(parseComponents(text, type), type);
  }

  /** The path part as text (AsPathSpec().Path). */
  Path(): string {
    const c = this.Components;
    switch (this.type) {
      case "linux":
        return "/" + c.join("/");
      case "windows":
        return c.length ? c[0]! + joinComponents(c.slice(1), "\\") : "";
      case "ntfs":
        return c.length === 0 ? "" : c.length === 1 ? c[0]! : c[0]! + joinComponents(c.slice(1), "\\");
      case "registry":
        return joinComponents(c, "\\").replace(/^\\/, "");
      case "pathspec":
        return c[0] ?? "";
      default:
        return joinComponents(c, "/");
    }
  }

  DelegatePath(): string {
    return this.spec.Delegate ? pathSpecText(this.spec.Delegate) : this.spec.DelegatePath ?? "";
  }

  DelegateAccessor(): string {
    return this.spec.DelegateAccessor ?? "";
  }

  /** The text: the path, or a JSON pathspec when there is a delegate. */
  String(): string {
    if (!this.DelegateAccessor() && !this.DelegatePath()) return this.Path();
    return pathSpecText({ ...this.spec, Path: this.Path() });
  }

  HumanString(): string {
    return this.DelegatePath() ? `${this.DelegatePath()} -> ${this.Path()}` : this.Path();
  }

  Basename(): string {
    return this.Components.at(-1) ?? "";
  }

  Dirname(): OSPath {
    return new OSPath(this.Components.slice(0, -1), this.type, this.spec);
  }

  PathSpec(): OrderedDict {
    const p = JSON.parse(pathSpecText({ ...this.spec, Path: this.Path() })) as Record<string, unknown>;
    return OrderedDict.fromObject(p);
  }

  DescribeType(): string {
    const names: Record<PathType, string> = { generic: "Generic", linux: "LinuxPath", windows: "WindowsPath", ntfs: "NTFSPath", registry: "RegistryPath", pathspec: "PathSpec" };
    return `OSPath(${names[this.type]})`;
  }

  append(children: readonly string[]): OSPath {
    return new OSPath([...this.Components, ...children], this.type, this.spec);
  }

  toString(): string {
    return this.String();
  }

  toJSON(): string {
    return this.String();
  }

  [VQL_TEXT](): string {
    return this.String();
  }

  [VQL_TRUTHY](): boolean {
    return this.Components.length > 0 || this.DelegatePath() !== "";
  }

  /** OSPath + string | list of strings | OSPath appends components (a string is parsed as a generic path). */
  [VQL_ADD](b: unknown): unknown {
    if (b instanceof OSPath) return this.append(b.Components);
    if (typeof b === "string") return this.append(OSPath.parse(b, "generic").Components);
    if (Array.isArray(b)) return this.append(b.filter((x): x is string => typeof x === "string"));
    return this;
  }

  [VQL_INDEX](i: unknown): unknown {
    if (typeof i !== "number" || !Number.isInteger(i)) return undefined;
    const n = this.Components.length;
    const j = i < 0 ? i + n : i;
    return j >= 0 && j < n ? this.Components[j] : null;
  }

  [VQL_SLICE](a: unknown, b: unknown): unknown {
    const n = this.Components.length;
    let s = typeof a === "number" ? a : 0;
    let e = typeof b === "number" ? Math.min(b, n) : n;
    if (s < 0) s += n;
    if (e < 0) e += n;
    return new OSPath(e <= s ? [] : this.Components.slice(s, e), this.type, this.spec);
  }

  /** Equal when components and text are equal; ordered by text (other OSPaths only). */
  [VQL_COMPARE](other: unknown): number | undefined {
    if (!(other instanceof OSPath)) return undefined;
    const a = this.String();
    const b = other.String();
    if (a === b && this.Components.join("\0") === other.Components.join("\0")) return 0;
    return a < b ? -1 : 1;
  }
}
