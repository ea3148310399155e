// efivariables(namespace, name, value): the endpoint's UEFI variables as Velociraptor lists them
// (Namespace as the vendor GUID in braces, Name, Value), filtered by exact namespace and name;
// with value=TRUE Value holds the variable's contents as the OS gives them (on Linux the 4
// attribute bytes, then the data), else null. A machine without efivarfs logs an error and
// gives no rows; a variable that cannot be read logs an error and ends the listing there.
import { arg, definePlugin, fromBytes, OrderedDict, untilAborted } from "@/engine/vql";
import { agentHost } from "./host";

export const efiVariablesPlugin = definePlugin({
  name: "efivariables",
  category: "client",
  doc: "Enumerate efi variables.",
  args: {
    namespace: arg.string().doc("Variable namespace."),
    name: arg.string().doc("Variable name"),
    value: arg.bool().doc("Read variable value"),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run({ namespace, name, value }, ctx) {
    const efi = agentHost(ctx.host).system.efiVariables;
    if (!efi) {
      ctx.log("ERROR", "efivariables: this endpoint has no UEFI variables to read");
      return;
    }
    let vars;
    try {
      vars = await untilAborted(efi.list(), ctx.signal);
    } catch (e) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `efivariables: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    for (const v of vars) {
      ctx.signal.throwIfAborted();
      if ((namespace && namespace !== v.namespace) || (name && name !== v.name)) continue;
      let data: unknown = null;
      if (value) {
        try {
          data = fromBytes(await untilAborted(efi.read(v.namespace, v.name), ctx.signal));
        } catch (e) {
          ctx.signal.throwIfAborted();
          ctx.log("ERROR", `efivariables: ${e instanceof Error ? e.message : String(e)}`);
          return;
        }
      }
      yield new OrderedDict([
        ["Namespace", v.namespace],
        ["Name", v.name],
        ["Value", data],
      ]);
    }
  },
});
