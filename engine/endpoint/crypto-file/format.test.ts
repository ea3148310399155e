// The crypto file format: round trip, tampering, truncation, another server's key.
import { describe, expect, it } from "vitest";
import { CryptoFileError, decodeRows, encodeRows, frames, newServerKeyPair, openFrame, sealFrame } from "./format";

const pair = newServerKeyPair();

async function all(chunks: Iterable<Uint8Array>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const f of frames(chunks)) out.push(f);
  return out;
}

describe("crypto file frames", () => {
  it("round-trips batches of rows, whatever the chunking of the file", async () => {
    const a = sealFrame(encodeRows(['{"A":1}', '{"A":2}']), pair.publicKey);
    const b = sealFrame(encodeRows(['{"B":"x"}']), pair.publicKey);
    const file = Buffer.concat([a, b]);
    // One byte at a time: frame boundaries never line up with chunks.
    const got = await all([...file].map((x) => Uint8Array.of(x)));
    expect(got.map((f) => decodeRows(openFrame(f, pair)))).toEqual([[{ A: 1 }, { A: 2 }], [{ B: "x" }]]);
  });

  it("hides the plaintext and uses a fresh ephemeral key per batch", () => {
    const plain = encodeRows(['{"secret":"hunter2"}']);
    const a = sealFrame(plain, pair.publicKey);
    const b = sealFrame(plain, pair.publicKey);
    expect(a.includes(Buffer.from("hunter2"))).toBe(false);
    expect(a.subarray(16, 48).equals(b.subarray(16, 48))).toBe(false);
    // header 8 + key id 8 + ephemeral 32 + nonce 12 + tag 16 = 76 bytes of overhead.
    expect(a.length).toBe(plain.length + 76);
  });

  it("detects a flipped bit anywhere in the frame", () => {
    const f = sealFrame(encodeRows(['{"A":1}']), pair.publicKey);
    for (const at of [20, 50, 62, f.length - 1]) {
      const bad = Buffer.from(f);
      bad[at] ^= 1;
      expect(() => openFrame(bad, pair)).toThrow(CryptoFileError);
    }
  });

  it("refuses a frame sealed to another server key", () => {
    const other = newServerKeyPair();
    const f = sealFrame(encodeRows(['{"A":1}']), other.publicKey);
    expect(() => openFrame(f, pair)).toThrow(/another server key/);
  });

  it("yields the complete batches of a truncated file, then says where it ends", async () => {
    const a = sealFrame(encodeRows(['{"A":1}']), pair.publicKey);
    const b = sealFrame(encodeRows(['{"A":2}']), pair.publicKey);
    const cut = Buffer.concat([a, b.subarray(0, 30)]);
    const got: Buffer[] = [];
    await expect(
      (async () => {
        for await (const f of frames([cut])) got.push(f);
      })(),
    ).rejects.toThrow(`the file ends inside a batch at offset ${a.length} (30 bytes of it)`);
    expect(got.map((f) => decodeRows(openFrame(f, pair)))).toEqual([[{ A: 1 }]]);
  });

  it("refuses bytes that are not a frame, and an absurd length", async () => {
    await expect(all([Buffer.from("hello world, not a frame")])).rejects.toThrow("not a crypto file batch at offset 0");
    const huge = Buffer.from("TCF1\xff\xff\xff\xff", "latin1");
    await expect(all([huge])).rejects.toThrow(/claims 4294967295 bytes/);
  });

  it("an empty file has no batches", async () => {
    expect(await all([])).toEqual([]);
  });
});
