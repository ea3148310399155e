// tlsh_hash() on this machine's files: digests of inputs made here (a seeded LCG's bytes and words)
// against the digests Trend Micro's reference implementation (tlsh_unittest -f, TLSH 4.x, 128
// buckets and a 1-byte checksum) prints for the same bytes, written without its "T1" prefix and
// in lowercase as Velociraptor's tlsh_hash() gives them; NULL where TLSH gives no digest.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runVql } from "@/engine/vql";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { agentRegistry } from ".";

/** n bytes of a 32-bit LCG (a = 1664525, c = 1013904223), the top byte of each state. */
function lcgBytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const WORDS = ["agent", "server", "query", "artifact", "hunt", "flow", "client", "label", "event", "process", "tracker", "file", "hash", "sigma", "rule"];
/** n characters of words picked by lcgBytes(seed, n), a sentence ending now and then. */
function lcgText(seed: number, n: number): string {
  const b = lcgBytes(seed, n);
  let s = "";
  for (let i = 0; s.length < n; i++) s += WORDS[b[i % n]! % WORDS.length] + (b[(i * 7) % n]! % 9 === 0 ? ".\n" : " ");
  return s.slice(0, n);
}

const dir = mkdtempSync(join(tmpdir(), "talon-tlsh-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

const registry = agentRegistry();
const host = { system: createLinuxSystem() };
async function tlshOf(args: string): Promise<unknown> {
  for await (const e of runVql(`SELECT tlsh_hash(${args}) AS T FROM scope()`, { registry, host })) if (e.kind === "row") return (e.row as { get(k: string): unknown }).get("T");
  throw new Error("no row");
}

describe("tlsh_hash()", () => {
  // [name, content, the reference implementation's digest]
  const CASES: Array<[string, string | Uint8Array, string]> = [
    ["text600.txt", lcgText(7, 600), "30F04405899E01FF02A8075DE720C8E07BBC55ED624D3168DBD29C47BD49CBC12D40A1"],
    ["text20k.txt", lcgText(11, 20000), "E192B70889CF15FB43680B8EE630C8A57BBC55ED238D317CD6E75C5A6E59CB813E8191"],
    ["bin5000.bin", lcgBytes(42, 5000), "3AA17E0209EC48F7AD208AF8C36553988A592637BCB01D2AFDDEFED956CD8B4550E452"],
    ["bin1m.bin", lcgBytes(3, 1 << 20), "2F253328E87CB9CE8DE4C04979E35AC9908B9A5A6078B0223F1D5A550BCB947D73B31D"],
  ];
  for (const [name, content, reference] of CASES) {
    it(`${name}: the reference implementation's digest`, async () => {
      expect(await tlshOf(`path='${file(name, content)}'`)).toBe(reference.toLowerCase());
    });
  }

  it("accessor data hashes the text of path", async () => {
    expect(await tlshOf(`path='${lcgText(7, 600)}', accessor='data'`)).toBe(CASES[0]![2].toLowerCase());
  });

  it("NULL for input TLSH gives no digest for here: uniform, or under 512 bytes", async () => {
    // The reference refuses a uniform input too; it hashes 50 bytes and more (Velociraptor's
    // glaslos/tlsh any input), this library only 512 and more.
    expect(await tlshOf(`path='${file("same.txt", "a".repeat(1000))}'`)).toBeNull();
    expect(await tlshOf(`path='${file("short.bin", lcgBytes(5, 300))}'`)).toBeNull();
  });

  it("NULL for a file that cannot be read, and for an accessor the agent does not have", async () => {
    expect(await tlshOf(`path='${join(dir, "missing")}'`)).toBeNull();
    expect(await tlshOf(`path='${join(dir, "text600.txt")}', accessor='ntfs'`)).toBeNull();
  });
});
