// The agent's builtins (platforms: ["client"]), and the registry an agent runs collections
// with: the portable library plus these, the agent's versions replacing portable ones of the
// same name (hash() reads files here).
import { createRegistry, portableBuiltins, type Builtin, type Registry } from "../../vql";
import { execvePlugin } from "./execve";
import { globPlugin, hashFunction, readFileFunction, statPlugin } from "./files";
import { connectionsPlugin, getpidFunction, infoPlugin, interfacesPlugin, netstatPlugin, pslistPlugin, uptimeFunction, usersPlugin } from "./machine";
import { processTrackerCallchainFunction, processTrackerGetFunction } from "./process-tracker";
import { uploadFunction } from "./upload";
import { watchFilesPlugin } from "./watch-files";
import { watchJournaldPlugin } from "./watch-journald";
import { watchSyslogPlugin } from "./watch-syslog";

export const clientBuiltins: readonly Builtin[] = [
  infoPlugin,
  pslistPlugin,
  getpidFunction,
  usersPlugin,
  uptimeFunction,
  netstatPlugin,
  connectionsPlugin,
  interfacesPlugin,
  globPlugin,
  statPlugin,
  readFileFunction,
  hashFunction,
  uploadFunction,
  execvePlugin,
  watchSyslogPlugin,
  watchJournaldPlugin,
  watchFilesPlugin,
  processTrackerGetFunction,
  processTrackerCallchainFunction,
];

let registry: Registry | undefined;

/** One registry per process (pool mode shares it between agents). */
export function agentRegistry(): Registry {
  if (registry) return registry;
  const replaced = new Set(clientBuiltins.map((b) => `${b.kind}:${b.name}`));
  registry = createRegistry([...portableBuiltins.filter((b) => !replaced.has(`${b.kind}:${b.name}`)), ...clientBuiltins]);
  return registry;
}

export type { AgentVqlHost } from "./host";
export type { EndpointSystem } from "./system";
