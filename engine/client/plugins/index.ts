// The agent's builtins (platforms: ["client"]), and the registry an agent runs collections
// with: the portable library plus these, the agent's versions replacing portable ones of the
// same name (hash() reads files here).
import { createRegistry, portableBuiltins, type Builtin, type Registry } from "../../vql";
import { unzipPlugin } from "./archives";
import { parseAuditdPlugin } from "./auditd";
import { auditPlugin } from "./audit";
import { watchEbpfPlugin } from "./ebpf";
import { efiVariablesPlugin } from "./efivariables";
import { parseJournaldPlugin } from "./parse-journald";
import { environFunction, environPlugin, expandFunction, hostFunction, sysinfoFunction } from "./environment";
import { execvePlugin } from "@/engine/endpoint/builtins/execve";
import { pskillFunction } from "@/engine/endpoint/builtins/pskill";
import { magicFunction, readFilePlugin, statFunction } from "./files-info";
import { globPlugin, hashFunction, readFileFunction, statPlugin } from "@/engine/endpoint/builtins/files";
import { connectionsPlugin, getpidFunction, infoPlugin, interfacesPlugin, netstatPlugin, pslistPlugin, uptimeFunction, usersPlugin } from "@/engine/endpoint/builtins/machine";
import {
  processTrackerAllFunction,
  processTrackerCallchainFunction,
  processTrackerChildrenFunction,
  processTrackerGetFunction,
  processTrackerPslistPlugin,
  processTrackerTreeFunction,
  processTrackerUpdates,
} from "./process-tracker";
import { processTrackerFunction } from "./process-tracker-install";
import { shellSessionControlFunction, shellSessionFunction } from "./shell-session";
import { sqlitePlugin } from "./sqlite";
import { leveldbPlugin } from "./leveldb";
import { indexPlugin, indexSearchPlugin } from "@/engine/endpoint/builtins/index-search/plugins";
import { tlshHashFunction } from "@/engine/endpoint/builtins/tlsh";
import { uploadFunction } from "./upload";
import { vfsLsPlugin } from "./vfs-ls";
import { watchFilesPlugin } from "./watch-files";
import { watchJournaldPlugin } from "./watch-journald";
import { watchSyslogPlugin } from "./watch-syslog";
import { copyFunction, rmFunction, tempdirFunction, tempfileFunction, writeCsvPlugin, writeJsonlPlugin } from "./write";
import { collectPlugin } from "./collect";
import { yaraPlugin } from "./yara";
import { procYaraPlugin } from "./proc-yara";
import { agentHttpClientPlugin } from "./http-client";
import { developerBuiltins } from "@/engine/endpoint/builtins/developer";
import { rekeyFunction } from "./rekey";
import { writeCryptoFilePlugin } from "./crypto-file";

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
  vfsLsPlugin,
  readFileFunction,
  hashFunction,
  tlshHashFunction,
  uploadFunction,
  execvePlugin,
  pskillFunction,
  shellSessionFunction,
  shellSessionControlFunction,
  watchSyslogPlugin,
  watchJournaldPlugin,
  watchFilesPlugin,
  processTrackerGetFunction,
  processTrackerCallchainFunction,
  processTrackerChildrenFunction,
  processTrackerTreeFunction,
  processTrackerAllFunction,
  processTrackerPslistPlugin,
  processTrackerFunction,
  processTrackerUpdates,
  expandFunction,
  environFunction,
  environPlugin,
  hostFunction,
  sysinfoFunction,
  statFunction,
  readFilePlugin,
  magicFunction,
  tempfileFunction,
  tempdirFunction,
  copyFunction,
  rmFunction,
  writeCsvPlugin,
  writeJsonlPlugin,
  unzipPlugin,
  parseAuditdPlugin,
  auditPlugin,
  watchEbpfPlugin,
  parseJournaldPlugin,
  sqlitePlugin,
  leveldbPlugin,
  indexPlugin,
  indexSearchPlugin,
  yaraPlugin,
  procYaraPlugin,
  agentHttpClientPlugin,
  efiVariablesPlugin,
  collectPlugin,
  ...developerBuiltins,
  rekeyFunction,
  writeCryptoFilePlugin,
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
export type { EndpointSystem } from "@/engine/endpoint/builtins/system";
