// The YARA worker: scans of varying sizes keep working past the point where one libyara-wasm
// module fails ("not enough memory" after about 800 MiB of random-sized buffers in one module,
// measured), because the worker is replaced as it goes; an aborted scan rejects with the abort
// reason and the next scan still works.
import { describe, expect, it } from "vitest";
import { yaraScan } from "./yara-scanner";

const RULE = 'rule z { strings: $z = "NEEDLE" condition: $z }';

describe("yaraScan()", () => {
  it("finds a string at its offset in each of 1.2 GiB of random-sized buffers", async () => {
    const signal = new AbortController().signal;
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let total = 0;
    let n = 0;
    while (total < 1.2 * 1024 ** 3) {
      const size = 64 + Math.floor(rnd() * 8 * 1024 * 1024);
      const data = new Uint8Array(size);
      const at = Math.floor(rnd() * (size - 6));
      data.set(Buffer.from("NEEDLE"), at);
      const r = await yaraScan(data, RULE, signal);
      expect(r.errors).toEqual([]);
      expect(r.rules.map((x) => [x.name, x.matches[0]?.location])).toEqual([["z", at]]);
      total += size;
      n++;
    }
    expect(n).toBeGreaterThan(250);
  }, 120_000);

  it("an aborted scan rejects with the reason, and the next one works", async () => {
    const c = new AbortController();
    const big = new Uint8Array(200 * 1024 * 1024);
    const p = yaraScan(big, 'rule r { strings: $a = /a.{0,200}b/ condition: $a }', c.signal);
    setTimeout(() => c.abort(new Error("stop now")), 20);
    await expect(p).rejects.toThrow("stop now");
    const r = await yaraScan(Buffer.from("xxNEEDLExx"), RULE, new AbortController().signal);
    expect(r.rules[0]!.matches[0]!.location).toBe(2);
  }, 60_000);
});
