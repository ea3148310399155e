/** Byte-level string transforms: base64, hex, xor, rot13, UTF-16, and encode(). */
import { Bytes, bytesOf, fromBytes } from "../../values/bytes";
import { toVqlString } from "../../values/stringify";
import { arg } from "../arg";
import { defineFunction } from "../define";
import { serializeValue } from "./serialize";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function base64Encode(b: Uint8Array, pad = true): string {
  let out = "";
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < b.length ? B64[(n >> 6) & 63]! : pad ? "=" : "";
    out += i + 2 < b.length ? B64[n & 63]! : pad ? "=" : "";
  }
  return out;
}

export function base64Decode(text: string): Uint8Array | null {
  const s = text.replace(/[\r\n]/g, "").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(s) || s.length % 4 === 1) return null;
  const out: number[] = [];
  let buf = 0;
  let bits = 0;
  for (const ch of s) {
    buf = (buf << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buf >> bits) & 255);
    }
  }
  return new Uint8Array(out);
}

export function hexEncode(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

export const base64encodeFunction = defineFunction({
  name: "base64encode",
  category: "encode",
  doc: "Standard base64 encoding of the string's bytes.",
  args: { string: arg.bytes().required().doc("Text or bytes to encode.") },
  run: ({ string }) => base64Encode(bytesOf(string)),
});

export const base64decodeFunction = defineFunction({
  name: "base64decode",
  category: "encode",
  doc: "Decode standard base64 (NULL when the text is not base64).",
  args: { string: arg.string().required().doc("Base64 text.") },
  run({ string }) {
    const b = base64Decode(string);
    return b ? fromBytes(b) : null;
  },
});

export const unhexFunction = defineFunction({
  name: "unhex",
  category: "encode",
  doc: "Bytes from a hex string (non-hex characters end the decoding).",
  args: { string: arg.string().required().doc("Hex text.") },
  run({ string }) {
    const m = /^(?:[0-9a-fA-F]{2})*/.exec(string)![0];
    const out = new Uint8Array(m.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(m.slice(i * 2, i * 2 + 2), 16);
    return fromBytes(out);
  },
});

export const xorFunction = defineFunction({
  name: "xor",
  category: "encode",
  doc: "XOR the bytes of the string with a repeating key.",
  args: {
    string: arg.bytes().required().doc("Text or bytes."),
    key: arg.bytes().required().doc("The key (repeated)."),
  },
  run({ string, key }) {
    const s = bytesOf(string);
    const k = bytesOf(key);
    if (k.length === 0) return string;
    return fromBytes(s.map((x, i) => x ^ k[i % k.length]!));
  },
});

export const rot13Function = defineFunction({
  name: "rot13",
  category: "encode",
  doc: "Rotate ASCII letters by 13 places.",
  args: { string: arg.string().required().doc("The text.") },
  run: ({ string }) =>
    string.replace(/[A-Za-z]/g, (c) => {
      const base = c <= "Z" ? 65 : 97;
      return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
    }),
});

export const utf16Function = defineFunction({
  name: "utf16",
  category: "encode",
  doc: "Decode UTF-16LE bytes into a string.",
  args: { string: arg.bytes().required().doc("UTF-16LE bytes.") },
  run({ string }) {
    const b = bytesOf(string);
    let s = "";
    for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b[i]! | (b[i + 1]! << 8));
    return s.replace(/\u0000+$/, "");
  },
});

export const utf16EncodeFunction = defineFunction({
  name: "utf16_encode",
  category: "encode",
  doc: "Encode a string as UTF-16LE bytes.",
  args: { string: arg.string().required().doc("The text.") },
  run({ string }) {
    const out = new Uint8Array(string.length * 2);
    for (let i = 0; i < string.length; i++) {
      const c = string.charCodeAt(i);
      out[i * 2] = c & 255;
      out[i * 2 + 1] = c >> 8;
    }
    return fromBytes(out);
  },
});

export const encodeFunction = defineFunction({
  name: "encode",
  category: "encode",
  doc: "Encode a value: `hex`, `base64` (unpadded), `string`, or a serialize() format (`json`, `yaml`, `csv`).",
  args: {
    string: arg.any().required().doc("The value to encode."),
    type: arg.string().required().doc("hex, base64, string, json, yaml or csv."),
  },
  run({ string, type }, ctx) {
    const bytes = () => (typeof string === "string" || string instanceof Bytes ? bytesOf(string) : bytesOf(toVqlString(string)));
    switch (type) {
      case "hex":
        return hexEncode(bytes());
      case "base64":
        return base64Encode(bytes(), false);
      case "string":
        return typeof string === "string" ? string : fromBytes(bytes());
      default:
        return serializeValue(string, type, ctx);
    }
  },
});
