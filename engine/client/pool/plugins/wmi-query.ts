// wmi() on a pooled Windows endpoint: a WQL data query (SELECT <*|props> FROM <Class> [WHERE ...])
// answered from the endpoint's synthetic WMI repository (engine/client/pool/wmi), rows as
// Velociraptor's wmi() gives WMI objects (uint64 as strings, datetimes as CIM_DATETIME text).
// What WMI would refuse, and WQL Talon does not parse, is logged as an error and gives no rows.
import { agentHost } from "@/engine/client/plugins/host";
import type { SyntheticSystem } from "@/engine/client/pool/system";
import { WmiError, WqlError } from "@/engine/client/pool/wmi/provider";
import { arg, definePlugin } from "@/engine/vql";

export const wmiPlugin = definePlugin({
  name: "wmi",
  category: "windows",
  doc: "Execute simple WMI queries synchronously (pooled Windows endpoints: ROOT/CIMV2 Win32_OperatingSystem, Win32_ComputerSystem, Win32_LogicalDisk, Win32_DiskDrive, Win32_BIOS, Win32_NetworkAdapterConfiguration, Win32_Service, Win32_Share, Win32_QuickFixEngineering, Win32_Process; ROOT/StandardCimv2 MSFT_NetNeighbor, MSFT_DNSClientCache; __NAMESPACE).",
  args: {
    query: arg.string().required().doc("The WMI query to issue."),
    namespace: arg.string().default("ROOT/CIMV2").doc("The WMI namespace to use (ROOT/CIMV2)"),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run({ query, namespace }, ctx) {
    const system = agentHost(ctx.host).system as Partial<SyntheticSystem>;
    if (typeof system.wmi !== "function") {
      ctx.log("ERROR", "wmi: this endpoint has no WMI (only pooled Windows endpoints simulate it)");
      return;
    }
    let rows;
    try {
      rows = await system.wmi(namespace, query, ctx.signal);
    } catch (e) {
      if (!(e instanceof WmiError || e instanceof WqlError)) throw e;
      ctx.log("ERROR", `wmi: ${e.message}`);
      return;
    }
    for (let i = 0; i < rows.length; i++) {
      if ((i & 255) === 0) ctx.signal.throwIfAborted();
      yield rows[i];
    }
  },
});
