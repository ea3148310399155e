// Flow ids that never collide within a process and sort by creation time: the millisecond
// clock, then a 24-bit counter that starts at a random value each millisecond and counts up
// for every id made in that millisecond (a bulk collection makes thousands at once).
import { randomBytes } from "node:crypto";
import { createFlowId, type FlowId } from "../../../protocol";

export function createFlowIdSource(now: () => number): () => FlowId {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = Math.max(now(), lastMs);
    if (ms !== lastMs) {
      lastMs = ms;
      counter = randomBytes(3).readUIntBE(0, 3) & 0x7fffff; // leave room to count up
    } else if (++counter > 0xffffff) {
      lastMs = ms = ms + 1;
      counter = 0;
    }
    return createFlowId(ms, new Uint8Array([(counter >> 16) & 255, (counter >> 8) & 255, counter & 255]));
  };
}
