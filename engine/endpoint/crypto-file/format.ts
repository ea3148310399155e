// Talon's encrypted row file (write_crypto_file() on the agent, read_crypto_file() on the
// server): a sequence of self-contained frames, each one batch of rows sealed to the server's
// long-lived X25519 public key, ECIES-style (an ephemeral X25519 key per batch, HKDF-SHA256,
// AES-256-GCM; node:crypto only). Not Velociraptor's byte format (its files carry an RSA-wrapped
// session key for the server's X.509 certificate): Talon servers hold no such certificate, and
// a file is only ever read back by the Talon server it was written for. See docs/crypto-file.md.
//
// frame   = "TCF1" (4 bytes) | body length (u32 big-endian) | body
// body    = key id (8: SHA-256 of the server's SPKI, first 8 bytes) | ephemeral public key (32, raw)
//           | nonce (12) | ciphertext | GCM tag (16)
// key     = HKDF-SHA256(X25519(ephemeral, server), salt = ephemeral raw | server raw, info = "talon crypto_file v1", 32)
// aad     = the frame's first 8 bytes | key id | ephemeral public key
// plain   = the batch's rows as JSON lines (UTF-8), one row a line.
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from "node:crypto";

export const FRAME_MAGIC = Buffer.from("TCF1", "latin1");
const HEADER = 8;
const KEY_ID = 8;
const RAW = 32;
const NONCE = 12;
const TAG = 16;
const INFO = Buffer.from("talon crypto_file v1");
// SPKI wrapping of a raw 32-byte X25519 public key (RFC 8410).
const SPKI_X25519_PREFIX = Buffer.from("302a300506032b656e032100", "hex");
/** Largest batch body a reader accepts (a corrupt length is refused, not allocated). */
export const MAX_FRAME_BODY = 64 * 1024 * 1024;

export class CryptoFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CryptoFileError";
  }
}

/** A server key pair as stored: SPKI DER and PKCS#8 DER, base64. */
export interface ServerKeyPair {
  publicKey: string;
  privateKey: string;
}

export function newServerKeyPair(): ServerKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  return { publicKey: publicKey.export({ format: "der", type: "spki" }).toString("base64"), privateKey: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64") };
}

/** The server public key as a KeyObject; throws a CryptoFileError when it is not an X25519 SPKI. */
export function serverPublicKey(spkiBase64: string): KeyObject {
  let k: KeyObject;
  try {
    k = createPublicKey({ key: Buffer.from(spkiBase64, "base64"), format: "der", type: "spki" });
  } catch {
    throw new CryptoFileError("the server public key is not a valid SPKI key");
  }
  if (k.asymmetricKeyType !== "x25519") throw new CryptoFileError("the server public key is not an X25519 key");
  return k;
}

function rawOf(k: KeyObject): Buffer {
  // An X25519 SPKI is a fixed 12-byte prefix then the 32 raw bytes.
  return k.export({ format: "der", type: "spki" }).subarray(-RAW);
}

/** First 8 bytes of the SHA-256 of the key's SPKI: which server key a frame is sealed to. */
export function keyId(spkiBase64: string): Buffer {
  return createHash("sha256").update(Buffer.from(spkiBase64, "base64")).digest().subarray(0, KEY_ID);
}

function spkiFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, raw]), format: "der", type: "spki" });
}

function derive(shared: Buffer, ephRaw: Buffer, serverRaw: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", shared, Buffer.concat([ephRaw, serverRaw]), INFO, 32));
}

/** One frame holding `plain`, sealed to the server key (SPKI base64). */
export function sealFrame(plain: Uint8Array, serverSpki: string): Buffer {
  const server = serverPublicKey(serverSpki);
  const eph = generateKeyPairSync("x25519");
  const ephRaw = rawOf(eph.publicKey);
  const key = derive(diffieHellman({ privateKey: eph.privateKey, publicKey: server }), ephRaw, rawOf(server));
  const nonce = randomBytes(NONCE);
  const id = keyId(serverSpki);
  const bodyLength = KEY_ID + RAW + NONCE + plain.length + TAG;
  const header = Buffer.alloc(HEADER);
  FRAME_MAGIC.copy(header, 0);
  header.writeUInt32BE(bodyLength, 4);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.concat([header, id, ephRaw]));
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([header, id, ephRaw, nonce, ct, cipher.getAuthTag()]);
}

/** The plaintext of one frame (header included), opened with the server's private key (PKCS#8 base64). */
export function openFrame(frame: Uint8Array, pair: ServerKeyPair): Buffer {
  const f = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  if (f.length < HEADER + KEY_ID + RAW + NONCE + TAG || !f.subarray(0, 4).equals(FRAME_MAGIC)) throw new CryptoFileError("not a crypto file batch");
  const id = f.subarray(HEADER, HEADER + KEY_ID);
  if (!id.equals(keyId(pair.publicKey))) throw new CryptoFileError("this batch was sealed to another server key");
  const ephRaw = f.subarray(HEADER + KEY_ID, HEADER + KEY_ID + RAW);
  const nonce = f.subarray(HEADER + KEY_ID + RAW, HEADER + KEY_ID + RAW + NONCE);
  const ct = f.subarray(HEADER + KEY_ID + RAW + NONCE, f.length - TAG);
  const tag = f.subarray(f.length - TAG);
  const priv = createPrivateKey({ key: Buffer.from(pair.privateKey, "base64"), format: "der", type: "pkcs8" });
  let eph: KeyObject;
  try {
    eph = spkiFromRaw(Buffer.from(ephRaw));
  } catch {
    throw new CryptoFileError("the batch's ephemeral key is not valid");
  }
  const key = derive(diffieHellman({ privateKey: priv, publicKey: eph }), Buffer.from(ephRaw), rawOf(serverPublicKey(pair.publicKey)));
  const d = createDecipheriv("aes-256-gcm", key, nonce);
  d.setAAD(f.subarray(0, HEADER + KEY_ID + RAW));
  d.setAuthTag(tag);
  try {
    return Buffer.concat([d.update(ct), d.final()]);
  } catch {
    throw new CryptoFileError("a batch failed authentication: the file was altered or damaged");
  }
}

/**
 * Splits a file's bytes (given in chunks of any size) into frames. A file that ends inside a
 * frame, or bytes that are not a frame, end the iteration with a CryptoFileError naming the offset.
 */
export async function* frames(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Buffer> {
  let buf = Buffer.alloc(0);
  let offset = 0;
  for await (const c of chunks) {
    buf = buf.length ? Buffer.concat([buf, c]) : Buffer.from(c);
    for (;;) {
      if (buf.length < HEADER) break;
      if (!buf.subarray(0, 4).equals(FRAME_MAGIC)) throw new CryptoFileError(`not a crypto file batch at offset ${offset}`);
      const n = buf.readUInt32BE(4);
      if (n > MAX_FRAME_BODY) throw new CryptoFileError(`a batch at offset ${offset} claims ${n} bytes, more than ${MAX_FRAME_BODY}`);
      if (buf.length < HEADER + n) break;
      yield buf.subarray(0, HEADER + n);
      buf = buf.subarray(HEADER + n);
      offset += HEADER + n;
    }
  }
  if (buf.length) throw new CryptoFileError(`the file ends inside a batch at offset ${offset} (${buf.length} bytes of it): it was truncated or is still being written`);
}

/** A batch's rows as JSON lines. */
export function encodeRows(jsonRows: string[]): Buffer {
  return Buffer.from(jsonRows.map((r) => r + "\n").join(""));
}

/** The rows of a decrypted batch (each a parsed JSON value). */
export function decodeRows(plain: Uint8Array): unknown[] {
  const text = Buffer.from(plain).toString("utf8");
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as unknown);
}
