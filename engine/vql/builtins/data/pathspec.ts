/**
 * pathspec(): an OSPath (data/ospath.ts) parsed from text (`parse`, with `path_type`) or built
 * from a path and a delegate (`Path`, `DelegateAccessor`, `DelegatePath` or a `Delegate`
 * OSPath), as Velociraptor's pathspec() (vql/filesystem/pathspec.go). A `Path` that is not a
 * string is JSON-encoded into a pathspec path. `accessor` picks the path type the accessor
 * reads (file/auto: linux or windows by the text, ntfs, registry); Talon has no other accessors.
 */
import { QueryValue } from "../../values/query";
import { toJsonText } from "../../values/json";
import { arg } from "../arg";
import { defineFunction } from "../define";
import { OSPath, PATH_TYPES, type PathSpecParts, type PathType } from "./ospath";

/** The path type an accessor parses its paths with, when Talon knows the accessor. */
function accessorType(accessor: string, path: string): PathType | undefined {
  switch (accessor) {
    case "file":
    case "auto":
      return /^[A-Za-z]:|^\\\\|\\/.test(path) ? "windows" : "linux";
    case "ntfs":
      return "ntfs";
    case "registry":
    case "reg":
    case "raw_reg":
      return "registry";
    default:
      return undefined;
  }
}

export const pathspecFunction = defineFunction({
  name: "pathspec",
  category: "parsers",
  doc: "Create a structured path spec (an OSPath: Components, Path, DelegateAccessor, DelegatePath, Basename, Dirname; `+` appends components) to pass to certain accessors.",
  args: {
    DelegateAccessor: arg.string().default("").doc("An accessor to use."),
    DelegatePath: arg.string().default("").doc("A delegate to pass to the accessor."),
    Delegate: arg.lazy().doc("A delegate to pass to the accessor (must be another pathspec)."),
    Path: arg.any().doc("A path to open."),
    parse: arg.string().default("").doc("Alternatively parse the pathspec from this string."),
    path_type: arg.string().doc("Type of path this is (windows,linux,registry,ntfs,generic,pathspec)."),
    accessor: arg.string().default("").doc("The accessor to use to parse the path with (file, auto, ntfs, registry)."),
  },
  version: 2,
  argErrorValue: false,
  async run({ DelegateAccessor, DelegatePath, Delegate, Path, parse, path_type, accessor }, ctx) {
    const t = path_type ?? "";
    if (!PATH_TYPES.includes(t)) {
      ctx.log("ERROR", `pathspec: Unknown path type: ${t} (should be one of windows,linux,generic)`);
      return parse ? false : null;
    }
    const type = (t || "generic") as PathType;
    try {
      if (parse !== "") return OSPath.parse(parse, type);
      let path: unknown = Path instanceof QueryValue ? await ctx.materialize(Path) : Path;
      if (path instanceof OSPath) path = path.String();
      if (path !== undefined && path !== null && typeof path !== "string") {
        return OSPath.parse(JSON.stringify({ DelegateAccessor: DelegateAccessor || undefined, DelegatePath: DelegatePath || undefined, Path: toJsonText(path) }), "pathspec");
      }
      const text = (path as string | undefined) ?? "";
      const byAccessor = accessor ? accessorType(accessor, text) : undefined;
      const parsed = OSPath.parse(text, byAccessor ?? type);
      const spec: Omit<PathSpecParts, "Path"> = {};
      if (DelegateAccessor) spec.DelegateAccessor = DelegateAccessor;
      if (DelegatePath) spec.DelegatePath = DelegatePath;
      if (Delegate) {
        const d = await Delegate.value();
        if (d !== null && d !== undefined) {
          if (!(d instanceof OSPath)) {
            ctx.log("ERROR", "pathspec: delegate should be a pathspec");
            return null;
          }
          spec.Delegate = { ...d.spec, Path: d.Path() };
        }
      }
      return new OSPath(parsed.Components, parsed.type, { ...parsed.spec, ...spec });
    } catch (err) {
      ctx.log("ERROR", `pathspec: ${(err as Error).message}`);
      return parse ? false : null;
    }
  },
});
