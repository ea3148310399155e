// Client and flow identifiers: branded strings with the Velociraptor prefixes (`C.`, `F.`).
// Pure: the hash that derives a client id from a public key is computed by the caller
// (node:crypto on the agent and the server), so this module also runs in the browser.

export type ClientId = string & { readonly __brand: "ClientId" };
export type FlowId = string & { readonly __brand: "FlowId" };

const CLIENT_ID = /^C\.[0-9a-f]{16}$/;
const FLOW_ID = /^F\.[0-9A-Z]{8,20}(\.H)?$/;

export function isClientId(s: unknown): s is ClientId {
  return typeof s === "string" && CLIENT_ID.test(s);
}

export function isFlowId(s: unknown): s is FlowId {
  return typeof s === "string" && FLOW_ID.test(s);
}

/** `C.` + the first 8 bytes (16 hex digits) of the SHA-256 of the agent's public key. */
export function clientIdFromDigest(sha256Hex: string): ClientId {
  const hex = sha256Hex.toLowerCase().slice(0, 16);
  if (!/^[0-9a-f]{16}$/.test(hex)) throw new Error("a client id needs a hex SHA-256 digest");
  return `C.${hex}` as ClientId;
}

/** Parses user input (any case) into a ClientId, or undefined. */
export function parseClientId(s: unknown): ClientId | undefined {
  if (typeof s !== "string") return undefined;
  const t = s.trim();
  if (!/^c\.[0-9a-f]{16}$/i.test(t)) return undefined;
  return `C.${t.slice(2).toLowerCase()}` as ClientId;
}

export function parseFlowId(s: unknown): FlowId | undefined {
  if (typeof s !== "string") return undefined;
  const t = s.trim().toUpperCase();
  return isFlowId(t) ? (t as FlowId) : undefined;
}

const BASE32 = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

/**
 * `F.` + 13 base32 digits of 8 bytes: 5 bytes of the creation time in ms (so ids sort by time)
 * and 3 random bytes from the caller.
 */
export function createFlowId(nowMs: number, random3: Uint8Array): FlowId {
  let v = (BigInt(Math.floor(nowMs)) & 0xff_ffff_ffffn) << 24n;
  v |= BigInt(((random3[0] ?? 0) << 16) | ((random3[1] ?? 0) << 8) | (random3[2] ?? 0));
  let out = "";
  for (let i = 0; i < 13; i++) {
    out = BASE32[Number(v & 31n)] + out;
    v >>= 5n;
  }
  return `F.${out}` as FlowId;
}
