// The Linux endpoint: everything the agent builtins need, read from this machine.
import type { EndpointSystem } from "../system";
import { runProgram } from "./exec";
import { createLinuxFs } from "./fs";
import { linuxInfo } from "./info";
import { listConnections, listInterfaces } from "./net";
import { listProcesses, uptimeSeconds } from "./proc";
import { listUsers } from "./users";

export function createLinuxSystem(): EndpointSystem {
  return {
    info: linuxInfo,
    processes: (signal) => listProcesses(signal),
    connections: (signal) => listConnections(signal),
    users: listUsers,
    interfaces: listInterfaces,
    uptime: uptimeSeconds,
    fs: createLinuxFs(),
    execve: runProgram,
  };
}
