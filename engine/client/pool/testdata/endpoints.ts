// Test support: pick pooled endpoints of a seed by what they are (kind, adversary, IIS).
import { EndpointActivity, hostsAdversary } from "@/engine/client/pool/activity/activity";
import { makeProfile, type Profile } from "@/engine/client/pool/profiles";

export function findProfile(seed: string, pred: (p: Profile) => boolean, max = 5000): Profile {
  for (let i = 0; i < max; i++) {
    const p = makeProfile(seed, i);
    if (pred(p)) return p;
  }
  throw new Error(`no endpoint of seed ${seed} matches`);
}

export const isWindows = (p: Profile) => p.os === "windows";
export const isLinux = (p: Profile) => p.os === "linux";
export const adversaryOn = hostsAdversary;
/** A Windows server running IIS (w3wp.exe in its process table). */
export const runsIis = (p: Profile) => p.kind === "windows-server" && new EndpointActivity(p, 1).anchor("w3wp").name === "w3wp.exe";
