// The pool's registry: the agent's builtins plus the Windows event plugins a synthetic endpoint
// simulates (watch_etw, watch_evtx, parse_evtx, wmi_events) and wmi() over its synthetic WMI
// repository (in place of any of the same name), so pooled
// endpoints run real event artifacts. The agent's own watch_syslog(), watch_journald() and
// watch_files() need no stand-ins: a synthetic endpoint implements their EndpointEvents.
// One registry per process.
import { agentRegistry } from "@/engine/client/plugins";
import { createRegistry, type Builtin, type Registry } from "@/engine/vql";
import { watchEtwPlugin } from "./etw";
import { watchEvtxPlugin } from "./evtx";
import { parseEvtxPlugin } from "./evtx-parse";
import { wmiEventsPlugin } from "./wmi";
import { wmiPlugin } from "./wmi-query";

export const poolBuiltins: readonly Builtin[] = [watchEtwPlugin, watchEvtxPlugin, parseEvtxPlugin, wmiEventsPlugin, wmiPlugin];

let registry: Registry | undefined;

export function poolRegistry(): Registry {
  if (registry) return registry;
  const replaced = new Set(poolBuiltins.map((b) => `${b.kind}:${b.name}`));
  registry = createRegistry([...agentRegistry().all.filter((b) => !replaced.has(`${b.kind}:${b.name}`)), ...poolBuiltins]);
  return registry;
}
