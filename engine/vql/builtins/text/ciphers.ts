/**
 * crypto_rc4() and base85decode(), as Velociraptor's (vql/functions/rc4.go, functions.go):
 * RC4 over the string's bytes with a 1-256 byte key, and Ascii85 decoding (optional `<~ ~>`
 * delimiters, `z` for four zero bytes; on bad input the bytes decoded so far, with a log line).
 */
import { bytesOf, fromBytes } from "../../values/bytes";
import { arg } from "../arg";
import { defineFunction } from "../define";

export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(256).map((_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = new Uint8Array(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

/** Ascii85: the decoded bytes and, when the input is bad, where and why decoding stopped. */
export function ascii85Decode(text: string): { bytes: Uint8Array; error?: string } {
  const out: number[] = [];
  let group: number[] = [];
  const flush = (n: number) => {
    let v = 0;
    for (let k = 0; k < 5; k++) v = v * 85 + (group[k] ?? 84);
    for (let k = 0; k < n; k++) out.push((v >>> (24 - 8 * k)) & 255);
    group = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32) continue;
    if (c === 122 /* z */ && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    if (c < 33 || c > 117) return { bytes: Uint8Array.from(out), error: `illegal ascii85 data at input byte ${i}` };
    group.push(c - 33);
    if (group.length === 5) flush(4);
  }
  if (group.length === 1) return { bytes: Uint8Array.from(out), error: "ascii85: truncated group" };
  if (group.length) flush(group.length - 1);
  return { bytes: Uint8Array.from(out) };
}

export const cryptoRc4Function = defineFunction({
  name: "crypto_rc4",
  category: "encode",
  doc: "Apply rc4 to the string and key (the same call decrypts).",
  args: {
    string: arg.bytes().required().doc("String to apply Rc4 encryption."),
    key: arg.bytes().required().doc("Rc4 key (1-256bytes)."),
  },
  argErrorValue: false,
  run({ string, key }, ctx) {
    const k = bytesOf(key);
    if (k.length < 1 || k.length > 256) {
      ctx.log("ERROR", `Crypto_rc4: crypto/rc4: invalid key size ${k.length}`);
      return false;
    }
    return fromBytes(rc4(k, bytesOf(string)));
  },
});

export const base85decodeFunction = defineFunction({
  name: "base85decode",
  category: "encode",
  doc: "Decode a base85 (Ascii85) encoded string; `<~ ~>` delimiters are optional.",
  args: {
    string: arg.string().required().doc("A string to decode."),
  },
  run({ string }, ctx) {
    const src = string.replace(/^<~/, "").replace(/~>$/, "");
    const r = ascii85Decode(src);
    if (r.error) ctx.log("ERROR", `base85decode: ${r.bytes.length} ${r.error}`);
    return fromBytes(r.bytes);
  },
});
