// help(): one row per builtin of the run's registry, in the shape of Velociraptor's
// docs/references/vql.yaml entries (what its help() returns): name, description, type
// (Plugin or Function), category, args, metadata.permissions (comma-separated, present when
// the builtin needs any), platforms, version. Server.Utils.Policy reads type and
// metadata.permissions to find the builtins that write files.
import { definePlugin, describeBuiltin, OrderedDict, type Builtin } from "../../vql";

function helpRow(b: Builtin): OrderedDict {
  const d = describeBuiltin(b);
  const args = d.args.map((a) => new OrderedDict([["name", a.name], ["description", a.doc], ["type", a.type], ["required", a.required], ["repeated", a.repeated]]));
  const row = new OrderedDict([
    ["name", d.name],
    ["description", d.doc],
    ["type", d.kind === "plugin" ? "Plugin" : "Function"],
    ["category", d.category],
    ["args", args],
  ]);
  if (d.permissions.length) row.set("metadata", new OrderedDict([["permissions", d.permissions.join(",")]]));
  row.set("platforms", d.platforms);
  if (d.version !== undefined) row.set("version", d.version);
  return row;
}

export const helpPlugin = definePlugin({
  name: "help",
  category: "server",
  doc: "Describes every VQL plugin and function this query can call: name, description, type (Plugin or Function), category, args (name, description, type, required, repeated), metadata.permissions (comma-separated), platforms, version.",
  args: {},
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run(_args, ctx) {
    const all = [...ctx.builtins()].sort((a, b) => (a.name === b.name ? a.kind.localeCompare(b.kind) : a.name < b.name ? -1 : 1));
    for (const b of all) {
      ctx.signal.throwIfAborted();
      yield helpRow(b);
    }
  },
});
