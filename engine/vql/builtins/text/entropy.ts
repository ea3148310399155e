/**
 * entropy(): the Shannon entropy of a string's bytes in bits per byte, rounded down to two
 * decimals as Velociraptor's entropy() does (vql/functions/entropy.go).
 */
import { bytesOf } from "../../values/bytes";
import { arg } from "../arg";
import { defineFunction } from "../define";

export function shannonEntropy(b: Uint8Array): number {
  if (b.length === 0) return 0;
  const counts = new Array<number>(256).fill(0);
  for (const x of b) counts[x]!++;
  let sum = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const f = c / b.length;
    sum += f * Math.log2(f);
  }
  // -0 for a single repeated byte: Velociraptor's floor of (-sum * 100) gives 0.
  return Math.floor(-sum * 100) / 100 + 0;
}

export const entropyFunction = defineFunction({
  name: "entropy",
  category: "encode",
  doc: "Shannon entropy of the string's bytes (bits per byte, 0 to 8, rounded down to 2 decimals).",
  args: {
    string: arg.bytes().required().doc("The data."),
  },
  argErrorValue: false,
  run: ({ string }) => shannonEntropy(bytesOf(string)),
});
