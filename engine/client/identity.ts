// The agent's identity: an Ed25519 key pair made on first run and kept in the state dir, and
// the client id derived from the public key (`C.` + 16 hex digits of its SHA-256), so an id
// cannot be claimed without the private key. Pool mode derives keys from a seed instead.
// After an administrator re-keys a client, the agent makes a new key and keeps its client id
// (rekeyIdentity); identity.json then names the id, which no longer derives from the key.
// rekey() (replaceIdentity) makes a new key and a new client id, as Velociraptor's rekey does.
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

function fromPrivateKey(privateKey: KeyObject, keptId?: ClientId): Identity {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const clientId = keptId ?? clientIdFromDigest(createHash("sha256").update(spki).digest("hex"));
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

/** A new key for an existing client id (a re-keyed client); not stored. */
export function newIdentityFor(clientId: ClientId): Identity {
  return fromPrivateKey(generateKeyPairSync("ed25519").privateKey, clientId);
}

type Saved = { clientId?: string; privateKey: string; rekeyed?: boolean };

function readSaved(path: string): Saved | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Saved;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`cannot read the agent identity ${path}: ${(err as Error).message}`);
    return undefined;
  }
}

function save(dir: string, privateKey: KeyObject, id: Identity, rekeyed: boolean) {
  const path = join(dir, "identity.json");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp`;
  const body = { clientId: id.clientId, privateKey: privateKey.export({ format: "pem", type: "pkcs8" }), createdAt: new Date().toISOString(), ...(rekeyed ? { rekeyed } : {}) };
  writeFileSync(tmp, JSON.stringify(body, null, 2), { mode: 0o600 });
  renameSync(tmp, path);
}

/** Loads the identity from `<dir>/identity.json`, creating it on first run. */
export function loadOrCreateIdentity(dir: string): Identity & { created: boolean } {
  const saved = readSaved(join(dir, "identity.json"));
  if (saved) return { ...fromPrivateKey(createPrivateKey(saved.privateKey), saved.rekeyed ? (saved.clientId as ClientId) : undefined), created: false };
  const { privateKey } = generateKeyPairSync("ed25519");
  const id = fromPrivateKey(privateKey);
  save(dir, privateKey, id, false);
  return { ...id, created: true };
}

/** Replaces the key in `<dir>/identity.json` with a new one, keeping the client id (or a new identity when there is none). */
export function rekeyIdentity(dir: string): Identity & { created: boolean } {
  const saved = readSaved(join(dir, "identity.json"));
  if (!saved) return loadOrCreateIdentity(dir);
  const clientId = fromPrivateKey(createPrivateKey(saved.privateKey), saved.rekeyed ? (saved.clientId as ClientId) : undefined).clientId;
  const { privateKey } = generateKeyPairSync("ed25519");
  const id = fromPrivateKey(privateKey, clientId);
  save(dir, privateKey, id, true);
  return { ...id, created: false };
}

/** rekey(): a new key and so a new client id, replacing `<dir>/identity.json` (Velociraptor's rekey writes a new writeback). */
export function replaceIdentity(dir: string): Identity {
  const { privateKey } = generateKeyPairSync("ed25519");
  const id = fromPrivateKey(privateKey);
  save(dir, privateKey, id, false);
  return id;
}
