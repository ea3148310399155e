// Who and where, for synthetic activity: the CORP domain's accounts and SIDs, the interactive
// user of an endpoint, the servers every endpoint talks to, and the adversary's accounts,
// addresses and tools (the ground truth detections are tested against).
import { FIRST } from "@/engine/client/pool/profiles";
import type { Profile } from "@/engine/client/pool/profiles";
import type { Rng } from "@/engine/client/pool/random";
import { mix } from "./slots";

export const FIRST_NAMES = FIRST;

const DOMAIN_SID = "S-1-5-21-1004336348-1177238915-682003330";

/** A CORP account's SID (the RID is stable per name). */
export function accountSid(user: string): string {
  let h = 0;
  for (const c of user) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return `${DOMAIN_SID}-${1100 + (mix(h, user.length) % 8000)}`;
}

/** The user whose desktop processes run on the endpoint (the same one processes.ts uses). */
export function interactiveUser(p: Profile): string {
  return p.users[p.users.length - 1]!;
}

export const NETWORK = {
  dc: { host: "srv-dc01.corp.example", ip: "10.0.0.5" },
  proxy: { host: "proxy.corp.example", ip: "10.0.0.10" },
  fileServer: { host: "srv-fs01.corp.example", ip: "10.0.0.20" },
  sccm: { host: "srv-sccm01.corp.example", ip: "10.0.0.30" },
};

export function randomWorkstationIp(r: Rng): string {
  return `10.${r.int(1, 4)}.${r.int(0, 256)}.${r.int(1, 255)}`;
}

/**
 * The adversary: an admin account (adm_peter) and the IIS service account (svc_iis) used from
 * a pivot workstation, a renamed schtasks.exe that plants a SYSTEM task on the domain controller
 * with adm_peter's password on the command line, and on Linux a password guessed over SSH from
 * outside.
 */
export const ADVERSARY = {
  admin: "adm_peter",
  service: "svc_iis",
  password: "adminpw",
  pivotIp: "10.13.37.21",
  pivotHost: "DESKTOP-7Q2LPV1",
  externalIp: "198.51.100.23",
  renamedSchtasks: "C:\\ProgramData\\Microsoft\\Windows\\Caches\\msupd.exe",
  taskName: "Microsoft\\Windows\\Maintenance\\WinSvcUpd",
  target: "srv_dc01",
  dropped: "/tmp/.k",
  crontab: "/var/spool/cron/crontabs/root",
};

/** The renamed schtasks command line (the one in the monitoring issue). */
export const SCHTASKS_ARGS = `/Create /F /TN "${ADVERSARY.taskName}" /TR "${ADVERSARY.renamedSchtasks} -service" /SC ONSTART /ru system /s ${ADVERSARY.target} /u ${ADVERSARY.admin} /p ${ADVERSARY.password}`;
