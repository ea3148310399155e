// The Linux endpoint: everything the agent builtins need, read from this machine.
import { isSecretName } from "@/engine/cli/secrets-env";
import type { EndpointSystem } from "../system";
import { auditAvailability, followAudit } from "./audit-netlink";
import { createKernelEvents } from "./kernel-events";
import { resolveName } from "./dns";
import { runProgram } from "./exec";
import { spawnShell } from "./shell";
import { createEfiVariables } from "./efivars";
import { createLinuxFs } from "./fs";
import { linuxInfo } from "./info";
import { followJournal } from "./journal";
import { listConnections, listInterfaces } from "./net";
import { listProcesses, uptimeSeconds } from "./proc";
import { linuxSysinfo } from "./sysinfo";
import { followLines } from "./tail";
import { listUsers } from "./users";
import { watchFiles } from "./watch";
import { createLinuxWriter } from "./write";

export interface LinuxSystemOptions {
  /** The journalctl program watch_journald() runs (default: `journalctl` from PATH). */
  journalctl?: string;
  /** Where efivarfs is mounted (default /sys/firmware/efi/efivars). */
  efivarsRoot?: string;
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
    spawnShell,
    kill: async (pid) => void process.kill(pid, "SIGKILL"),
    writer: createLinuxWriter(),
    // Secret-looking variables (…PASSWORD, …TOKEN, DATABASE_URL…) are never shown to a query.
    environ: async () => Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !isSecretName(e[0]))),
    resolve: resolveName,
    sysinfo: linuxSysinfo,
    efiVariables: createEfiVariables(opts.efivarsRoot),
    events: {
      followLines,
      journal: (o) => followJournal({ ...o, program: opts.journalctl }),
      watchFiles,
      audit: { unavailable: auditAvailability, follow: followAudit },
      kernel: createKernelEvents(),
    },
  };
}
