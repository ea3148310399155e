// Ids unique across every process sharing the database, each in Velociraptor's shape and
// sorting by creation time. The process's slot (0..1023, unique among live processes) sits in
// every id, so two processes never make the same one:
//   F./H./A. + 13 base32: 40 bits of milliseconds, 10 bits slot, 14 bits counter (16,384 per ms;
//         past that the id moves to the next millisecond);
//   N./NC. + 13 base32hex over 8 bytes: 32 bits of seconds, 10 bits slot, 22 bits counter.
// Counters start at a random value each tick, so a restarted process that gets the same slot
// in the same tick is still unlikely to repeat an id.
import { randomInt } from "node:crypto";
import { createFlowId, type FlowId } from "../../protocol";
import type { IdSource } from "@/engine/server/contracts";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** A counter per tick: starts at a random value in the lower half, counts up, reports overflow. */
function ticker(bits: number) {
  const max = 2 ** bits;
  let last = -1;
  let n = 0;
  return (tick: number): { tick: number; n: number } => {
    let t = Math.max(tick, last);
    if (t !== last) {
      last = t;
      n = randomInt(0, max / 2);
    } else if (++n >= max) {
      last = t = t + 1;
      n = randomInt(0, max / 2);
    }
    return { tick: t, n };
  };
}

export function createIdSource(slot: () => number, nowMs: () => number): IdSource {
  const flows = ticker(14);
  const hunts = ticker(14);
  const alerts = ticker(14);
  const notebooks = ticker(22);

  function timeId(t: ReturnType<typeof ticker>): string {
    const { tick, n } = t(nowMs());
    const low = ((slot() & 1023) << 14) | n;
    return createFlowId(tick, new Uint8Array([(low >> 16) & 255, (low >> 8) & 255, low & 255])).slice(2);
  }

  function secondsId(prefix: "N." | "NC."): string {
    const { tick, n } = notebooks(Math.floor(nowMs() / 1000));
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, tick >>> 0);
    view.setUint32(4, (((slot() & 1023) << 22) | n) >>> 0);
    return prefix + base32(bytes);
  }

  return {
    flowId: () => `F.${timeId(flows)}` as FlowId,
    huntId: () => `H.${timeId(hunts)}`,
    alertId: () => `A.${timeId(alerts)}`,
    notebookId: () => secondsId("N."),
    cellId: () => secondsId("NC."),
  };
}
