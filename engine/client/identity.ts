// The agent's identity: an Ed25519 key pair made on first run and kept in the state dir, and
// the client id derived from the public key (`C.` + 16 hex digits of its SHA-256), so an id
// cannot be claimed without the private key. Pool mode derives keys from a seed instead.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clientIdFromDigest, helloSignedText, type ClientId } from "../protocol";

export interface Identity {
  clientId: ClientId;
  /** SPKI DER, base64: sent in the hello. */
  publicKey: string;
  /** Signs the hello for a challenge nonce. */
  signHello(nonce: string): string;
}

function fromPrivateKey(privateKey: KeyObject): Identity {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const clientId = clientIdFromDigest(createHash("sha256").update(spki).digest("hex"));
  return {
    clientId,
    publicKey: spki.toString("base64"),
    signHello: (nonce) => sign(null, Buffer.from(helloSignedText(nonce, clientId)), privateKey).toString("base64"),
  };
}

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** A deterministic identity from 32 bytes of seed (pool mode, tests). */
export function identityFromSeed(seed: Uint8Array): Identity {
  if (seed.length !== 32) throw new Error("an Ed25519 seed has 32 bytes");
  return fromPrivateKey(createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(seed)]), format: "der", type: "pkcs8" }));
}

/** A fresh identity that is not stored anywhere. */
export function newIdentity(): Identity {
  return fromPrivateKey(generateKeyPairSync("ed25519").privateKey);
}

/** Loads the identity from `<dir>/identity.json`, creating it on first run. */
export function loadOrCreateIdentity(dir: string): Identity & { created: boolean } {
  const path = join(dir, "identity.json");
  try {
    const saved = JSON.parse(readFileSync(path, "utf8")) as { privateKey: string };
    return { ...fromPrivateKey(createPrivateKey(saved.privateKey)), created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`cannot read the agent identity ${path}: ${(err as Error).message}`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync("ed25519");
  const id = fromPrivateKey(privateKey);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify({ clientId: id.clientId, privateKey: privateKey.export({ format: "pem", type: "pkcs8" }), createdAt: new Date().toISOString() }, null, 2), { mode: 0o600 });
  renameSync(tmp, path);
  return { ...id, created: true };
}
