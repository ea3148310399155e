// The kernel's audit records as they happen, from the audit multicast group (read-only: auditd,
// if it runs, keeps its place). The socket comes from a small N-API addon
// (native/audit-netlink, built by `npm install` where a compiler is; scripts/build-audit-addon.mjs;
// TALON_AUDIT_ADDON names another build);
// its descriptor is read here with fs.read, each read timing out after RECEIVE_TIMEOUT_MS so the
// loop sees its signal. Without the addon (not built, not Linux) `auditAvailability()` says why.
import { read, close } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AUDIT_TYPE_NAMES } from "./audit-types";

const RECEIVE_TIMEOUT_MS = 250;
const NLMSG_HDRLEN = 16;

interface Addon {
  openMulticast(receiveTimeoutMs: number): number;
}

let loaded: { addon?: Addon; problem?: string } | undefined;

function addon(): { addon?: Addon; problem?: string } {
  if (loaded) return loaded;
  const built = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../native/audit-netlink/build/Release/audit_netlink.node");
  const candidates = [process.env.TALON_AUDIT_ADDON, built].filter((f): f is string => !!f);
  const require = createRequire(import.meta.url);
  for (const f of candidates) {
    try {
      return (loaded = { addon: require(f) as Addon });
    } catch {
      // try the next place
    }
  }
  return (loaded = { problem: "the audit netlink addon is not built (native/audit-netlink: `npm install` builds it where a C compiler and Node's headers are; run `node scripts/build-audit-addon.mjs`)" });
}

/** Why audit() cannot run here, or undefined when the addon is loaded. */
export function auditAvailability(): string | undefined {
  if (process.platform !== "linux") return "audit() needs Linux";
  return addon().problem;
}

/** One audit record: its type name (SYSCALL, EXECVE, USER_AVC...) and text (`audit(t:serial): k=v ...`). */
export interface AuditNetlinkRecord {
  type: string;
  text: string;
}

/** Records until the signal aborts; `null` after each quiet RECEIVE_TIMEOUT_MS (so a reader can flush). */
export async function* followAudit(signal: AbortSignal): AsyncIterable<AuditNetlinkRecord | null> {
  const a = addon().addon;
  if (!a) throw new Error(auditAvailability());
  const fd = a.openMulticast(RECEIVE_TIMEOUT_MS);
  const buf = Buffer.alloc(1 << 16);
  try {
    while (!signal.aborted) {
      const n = await new Promise<number>((resolve, reject) => read(fd, buf, 0, buf.length, null, (err, len) => (err && err.code !== "EAGAIN" && err.code !== "EINTR" ? reject(err) : resolve(err ? -1 : len))));
      if (n < 0) {
        yield null;
        continue;
      }
      // One datagram may hold several netlink messages, each padded to 4 bytes.
      for (let off = 0; off + NLMSG_HDRLEN <= n; ) {
        const len = buf.readUInt32LE(off);
        if (len < NLMSG_HDRLEN || off + len > n) break;
        const type = buf.readUInt16LE(off + 4);
        const text = buf.toString("utf8", off + NLMSG_HDRLEN, off + len).replace(/\0+$/, "");
        yield { type: AUDIT_TYPE_NAMES[type] ?? `UNKNOWN[${type}]`, text };
        off += (len + 3) & ~3;
      }
    }
  } finally {
    close(fd, () => {});
  }
}
