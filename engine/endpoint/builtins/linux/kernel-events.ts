// watch_ebpf()'s kernel sockets on Linux: the process events connector (exec/exit/fork of every
// process) and a cooked AF_PACKET socket (every IP packet), from the N-API addon in
// native/kernel-events (built by `npm install` where a C compiler is; TALON_KERNEL_EVENTS_ADDON
// names another build). Both sockets are non-blocking: each loop drains what the kernel queued,
// then sleeps POLL_MS, so no thread waits on them and an abort is seen within POLL_MS. The
// kernel's socket buffers are the only queue; what overflows them is dropped and counted there.
import { closeSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { KernelBatch, KernelEventSource, KernelPacket, KernelProcessEvent } from "../system";
import { socketOwner, readTask } from "./kernel-tasks";

const POLL_MS = 20;
const BUFFER_BYTES = 1 << 20;
const RECORD_HEADER = 16;
const NLMSG_HDRLEN = 16;
const CN_MSG_LEN = 20;
const PROC_EVENT_FORK = 0x1;
const PROC_EVENT_EXEC = 0x2;
const PROC_EVENT_EXIT = 0x80000000;
const PACKET_OUTGOING = 4;
const ARPHRD_LOOPBACK = 772;
const ENOBUFS = 105;

interface Addon {
  openProcConnector(): number;
  openPacketSocket(): number;
  recvBatch(fd: number, buffer: Buffer): number;
  packetDrops(fd: number): number;
}

let loaded: { addon?: Addon; problem?: string } | undefined;

function addon(): { addon?: Addon; problem?: string } {
  if (loaded) return loaded;
  const built = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../native/kernel-events/build/Release/kernel_events.node");
  const require = createRequire(import.meta.url);
  for (const f of [process.env.TALON_KERNEL_EVENTS_ADDON, built].filter((x): x is string => !!x)) {
    try {
      return (loaded = { addon: require(f) as Addon });
    } catch {
      // try the next place
    }
  }
  return (loaded = { problem: "the kernel events addon is not built (native/kernel-events: `npm install` builds it where a C compiler and Node's headers are; run `node scripts/build-audit-addon.mjs`)" });
}

/** Why watch_ebpf() cannot run here, or undefined. */
export function kernelEventsAvailability(): string | undefined {
  if (process.platform !== "linux") return "watch_ebpf() needs Linux";
  const problem = addon().problem;
  if (problem) return problem;
  if (process.getuid?.() !== 0) return "watch_ebpf() needs root (the process connector and packet sockets need CAP_NET_ADMIN and CAP_NET_RAW)";
  return undefined;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      r();
    }
    signal.addEventListener("abort", done, { once: true });
  });

/** Drains `fd` every POLL_MS, handing each record (header offset into buf) to `parse`. */
async function* drain<T>(open: (a: Addon) => number, parse: (buf: Buffer, off: number, len: number, out: T[]) => void, drops: (a: Addon, fd: number) => number, signal: AbortSignal): AsyncIterable<KernelBatch<T>> {
  const a = addon().addon;
  if (!a) throw new Error(kernelEventsAvailability());
  const fd = open(a);
  const buf = Buffer.alloc(BUFFER_BYTES);
  try {
    while (!signal.aborted) {
      const n = a.recvBatch(fd, buf);
      let dropped = drops(a, fd);
      const items: T[] = [];
      if (n === -ENOBUFS) dropped++;
      for (let off = 0; off + RECORD_HEADER <= n; ) {
        const len = buf.readUInt32LE(off);
        parse(buf, off, len, items);
        off += RECORD_HEADER + ((len + 3) & ~3);
      }
      if (items.length || dropped) yield { items, dropped };
      // Quiet: wait POLL_MS. Busy: let the event loop run before the next drain (an async
      // generator's resumptions are microtasks, which would otherwise starve timers and I/O).
      if (n <= 0) await sleep(POLL_MS, signal);
      else await new Promise((r) => setImmediate(r));
    }
  } finally {
    closeSync(fd);
  }
}

/** Proc connector messages: nlmsghdr, cn_msg, then struct proc_event (what, cpu, timestamp_ns, data). */
export function parseProcEvent(buf: Buffer, off: number, len: number, out: KernelProcessEvent[]): void {
  const ev = off + RECORD_HEADER + NLMSG_HDRLEN + CN_MSG_LEN;
  if (len < NLMSG_HDRLEN + CN_MSG_LEN + 24) return;
  const what = buf.readUInt32LE(ev);
  const cpu = buf.readUInt32LE(ev + 4);
  const monotonicNs = buf.readBigUInt64LE(ev + 8);
  const d = ev + 16;
  if (what === PROC_EVENT_EXEC) out.push({ kind: "exec", pid: buf.readUInt32LE(d), tgid: buf.readUInt32LE(d + 4), cpu, monotonicNs });
  else if (what === PROC_EVENT_EXIT) out.push({ kind: "exit", pid: buf.readUInt32LE(d), tgid: buf.readUInt32LE(d + 4), exitCode: buf.readUInt32LE(d + 8), exitSignal: buf.readUInt32LE(d + 12), cpu, monotonicNs });
  else if (what === PROC_EVENT_FORK) out.push({ kind: "fork", parentPid: buf.readUInt32LE(d), parentTgid: buf.readUInt32LE(d + 4), childPid: buf.readUInt32LE(d + 8), childTgid: buf.readUInt32LE(d + 12), cpu, monotonicNs });
}

/**
 * Packet records. A packet on the loopback interface is seen twice (leaving, then arriving):
 * only its outgoing copy is kept, as one egress packet.
 */
function parsePacket(buf: Buffer, off: number, len: number, out: KernelPacket[]): void {
  const pkttype = buf.readUInt16LE(off + 4);
  const ethertype = buf.readUInt16LE(off + 6);
  const hatype = buf.readUInt16LE(off + 12);
  if (ethertype !== 0x0800 && ethertype !== 0x86dd) return;
  if (hatype === ARPHRD_LOOPBACK && pkttype !== PACKET_OUTGOING) return;
  const data = Buffer.from(buf.subarray(off + RECORD_HEADER, off + RECORD_HEADER + len));
  out.push({ direction: pkttype === PACKET_OUTGOING ? "egress" : "ingress", ethertype, ifindex: buf.readUInt32LE(off + 8), data, timestampMs: Date.now() });
}

export function createKernelEvents(): KernelEventSource {
  return {
    unavailable: kernelEventsAvailability,
    processEvents: (signal) => drain((a) => a.openProcConnector(), parseProcEvent, () => 0, signal),
    packets: (signal) => drain((a) => a.openPacketSocket(), parsePacket, (a, fd) => a.packetDrops(fd), signal),
    task: readTask,
    socketOwner,
  };
}
