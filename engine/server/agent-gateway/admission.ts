// Sockets that have not said hello yet: how many there are in all and per remote address, so a
// flood of unauthenticated connections is refused at the upgrade (before ws buffers anything)
// instead of each holding a slot and its buffers until the hello deadline. A slot is taken when
// the upgrade is admitted and given back once the hello has arrived or the socket closes, so an
// agent holds one for a round trip. Loopback addresses are not capped per address unless asked
// (a local reverse proxy and a test pool are many agents on one address); the overall cap holds.
import type { IncomingMessage } from "node:http";

export interface AdmissionLimits {
  /** Unauthenticated agent sockets on this process at most. */
  max: number;
  /** Unauthenticated agent sockets from one remote address at most. */
  perAddress: number;
  /** Apply perAddress to loopback addresses too (default: not). */
  capLoopback?: boolean;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

export interface Slot {
  /** Gives the slot back (idempotent). */
  release(): void;
}

export interface Admission {
  /** A slot for this upgrade, or why not (the router answers with that HTTP status). */
  admit(req: IncomingMessage): { status: 429 | 503; reason: string } | undefined;
  /** The slot admit() took for this request, or a new one (undefined when over a limit). */
  slotFor(req: IncomingMessage): Slot | undefined;
  /** Unauthenticated sockets now (tests and health). */
  count(): number;
}

export function createAdmission(limits: AdmissionLimits): Admission {
  let total = 0;
  const byAddress = new Map<string, number>();
  const taken = new WeakMap<IncomingMessage, Slot>();

  function take(ip: string): Slot | { status: 429 | 503; reason: string } {
    if (total >= limits.max) return { status: 503, reason: `too many agent connections waiting for their hello (limit ${limits.max})` };
    const n = byAddress.get(ip) ?? 0;
    if (n >= limits.perAddress && (limits.capLoopback || !LOOPBACK.test(ip))) return { status: 429, reason: `too many agent connections from this address waiting for their hello (limit ${limits.perAddress})` };
    total++;
    byAddress.set(ip, n + 1);
    let held = true;
    return {
      release() {
        if (!held) return;
        held = false;
        total--;
        const left = (byAddress.get(ip) ?? 1) - 1;
        if (left > 0) byAddress.set(ip, left);
        else byAddress.delete(ip);
      },
    };
  }

  return {
    admit(req) {
      const got = take(req.socket.remoteAddress ?? "");
      if (!("release" in got)) return got;
      taken.set(req, got);
      // An upgrade that fails after admission (bad headers) never reaches the gateway.
      req.socket.once("close", () => got.release());
      return undefined;
    },
    slotFor(req) {
      const slot = taken.get(req);
      if (slot) {
        taken.delete(req);
        return slot;
      }
      const got = take(req.socket.remoteAddress ?? "");
      return "release" in got ? got : undefined;
    },
    count: () => total,
  };
}
