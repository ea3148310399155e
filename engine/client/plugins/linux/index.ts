// The Linux endpoint: everything the agent builtins need, read from this machine.
import type { EndpointSystem } from "../system";
import { runProgram } from "./exec";
import { createLinuxFs } from "./fs";
import { linuxInfo } from "./info";
import { followJournal } from "./journal";
import { listConnections, listInterfaces } from "./net";
import { listProcesses, uptimeSeconds } from "./proc";
import { followLines } from "./tail";
import { listUsers } from "./users";
import { watchFiles } from "./watch";

export interface LinuxSystemOptions {
  /** The journalctl program watch_journald() runs (default: `journalctl` from PATH). */
  journalctl?: string;
}

export function createLinuxSystem(opts: LinuxSystemOptions = {}): EndpointSystem {
  return {
    info: linuxInfo,
    processes: (signal, pid) => listProcesses(signal, pid),
    connections: (signal) => listConnections(signal),
    users: listUsers,
    interfaces: listInterfaces,
    uptime: uptimeSeconds,
    fs: createLinuxFs(),
    execve: runProgram,
    events: {
      followLines,
      journal: (o) => followJournal({ ...o, program: opts.journalctl }),
      watchFiles,
    },
  };
}
