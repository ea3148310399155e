// The pool's registry: the agent's builtins with the operating system's event plugins a
// synthetic endpoint simulates (watch_etw, watch_evtx, wmi_events, watch_syslog) in place of any
// of the same name, so pooled endpoints run real event artifacts. One registry per process.
import { agentRegistry } from "@/engine/client/plugins";
import { createRegistry, type Builtin, type Registry } from "@/engine/vql";
import { watchEtwPlugin } from "./etw";
import { watchEvtxPlugin } from "./evtx";
import { watchSyslogPlugin } from "./syslog";
import { wmiEventsPlugin } from "./wmi";

export const poolBuiltins: readonly Builtin[] = [watchEtwPlugin, watchEvtxPlugin, wmiEventsPlugin, watchSyslogPlugin];

let registry: Registry | undefined;

export function poolRegistry(): Registry {
  if (registry) return registry;
  const replaced = new Set(poolBuiltins.map((b) => `${b.kind}:${b.name}`));
  registry = createRegistry([...agentRegistry().all.filter((b) => !replaced.has(`${b.kind}:${b.name}`)), ...poolBuiltins]);
  return registry;
}
