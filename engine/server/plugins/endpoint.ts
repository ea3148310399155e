// The endpoint builtins on the server's own host, as Velociraptor's server runs them for server
// artifacts and notebooks: glob(), stat(), read_file(), hash(), tlsh_hash(), info(), pslist(),
// execve(), index() and index_search() (FILESYSTEM_WRITE / FILESYSTEM_READ). They are the agent's implementations (engine/endpoint/builtins) over this machine,
// with geoip() (./geoip.ts), the server's own reader of MaxMind databases on this machine;
// the evaluator checks each one's permission (FILESYSTEM_READ, MACHINE_STATE, EXECVE) against
// the caller's before it runs. The server's data directory, its process and the host's secrets are
// protected paths, as they are for the local agent.
import type { Builtin } from "@/engine/vql";
import { execvePlugin } from "@/engine/endpoint/builtins/execve";
import { globPlugin, hashFunction, readFileFunction, statPlugin } from "@/engine/endpoint/builtins/files";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { infoPlugin, pslistPlugin } from "@/engine/endpoint/builtins/machine";
import { tlshHashFunction } from "@/engine/endpoint/builtins/tlsh";
import { indexPlugin, indexSearchPlugin } from "@/engine/endpoint/builtins/index-search/plugins";
import { createPathGuard, guardSystem, parseProtectedPaths, protectedPaths } from "@/engine/endpoint/builtins/protected-paths";
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";
import { geoipFunction } from "./geoip";

export const serverEndpointBuiltins: readonly Builtin[] = [globPlugin, statPlugin, readFileFunction, hashFunction, tlshHashFunction, geoipFunction, infoPlugin, pslistPlugin, execvePlugin, indexPlugin, indexSearchPlugin].map(
  (b) => ({ ...b, platforms: ["server"] }) as Builtin,
);

/** `builtins` with the endpoint builtins added, in place of any of the same kind and name (the portable hash() reads only data). */
export function withEndpointBuiltins(builtins: readonly Builtin[]): Builtin[] {
  const replaced = new Set(serverEndpointBuiltins.map((b) => `${b.kind}:${b.name}`));
  return [...builtins.filter((b) => !replaced.has(`${b.kind}:${b.name}`)), ...serverEndpointBuiltins];
}

/**
 * This machine as the server's builtins see it: every path the local agent may not read is
 * refused here too (the data directory, the server's /proc entry, /etc/shadow, SSH host keys,
 * TALON_AGENT_PROTECTED_PATHS). Glob matches that are refused are skipped without a log line.
 */
export function serverEndpointSystem(o: { dataDir?: string }): EndpointSystem {
  const guard = createPathGuard(protectedPaths({ serverDataDir: o.dataDir, serverPid: process.pid, extra: parseProtectedPaths(process.env.TALON_AGENT_PROTECTED_PATHS) }));
  return guardSystem(createLinuxSystem(), guard, () => {});
}
