/**
 * version(): the version number of a plugin or function of this run's registry, as
 * Velociraptor's version() reports it (vql/common/version.go): NULL when there is no such
 * builtin, 0 when it declares no version, and 0 with a log line when neither is named.
 */
import { arg } from "../arg";
import { defineFunction } from "../define";

export const versionFunction = defineFunction({
  name: "version",
  category: "misc",
  doc: "The version of a VQL plugin or function (NULL when it does not exist), for VQL that adapts to older builtins.",
  args: {
    function: arg.string().doc("A function's name."),
    plugin: arg.string().doc("A plugin's name."),
  },
  run({ function: fn, plugin }, ctx) {
    if (plugin) return builtinVersion(ctx.builtin("plugin", plugin));
    if (fn) return builtinVersion(ctx.builtin("function", fn));
    ctx.log("ERROR", "version: One of plugin or function should be specified");
    return 0;
  },
});

function builtinVersion(b: { version?: number } | undefined): number | null {
  if (!b) return null;
  const v = b.version ?? 0;
  return v < 0 ? null : v;
}
