// Authentication of an agent's hello: protocol version, the signature over this connection's
// challenge, whether the client id derives from the public key, then enrolment (token) and the
// stored key through the clients service (which accepts a non-derived id only for a client it
// knows: one re-keyed by an administrator). Returns a refusal as data; never throws for bad input.
import { createHash, createPublicKey, verify } from "node:crypto";
import { clientIdFromDigest, helloSignedText, PROTOCOL_VERSION, type Hello, type Refused } from "../../protocol";
import type { AgentIngress } from "@/engine/server/contracts";

export type HelloOutcome = { ok: true; enrolled: boolean; ackedSeq: number } | { ok: false; refusal: Refused };

const ED25519_SPKI_HEADER = Buffer.from("302a300506032b6570032100", "hex");

const refuse = (code: Refused["code"], message: string): HelloOutcome => ({ ok: false, refusal: { type: "refused", code, message } });

/** True when the client id is the one the public key derives (every client's first key). */
export function idDerivesFromKey(hello: Pick<Hello, "clientId" | "publicKey">): boolean {
  return clientIdFromDigest(createHash("sha256").update(Buffer.from(hello.publicKey, "base64")).digest("hex")) === hello.clientId;
}

/** Why `signature` is not the Ed25519 signature of the hello text by `publicKey`, or undefined. */
export function identityProblem(hello: Pick<Hello, "clientId" | "publicKey" | "signature">, nonce: string): string | undefined {
  let der: Buffer;
  try {
    der = Buffer.from(hello.publicKey, "base64");
    // An Ed25519 SPKI is a fixed 12-byte header and the 32-byte key; importing the raw key as a
    // JWK costs a third of parsing the DER.
    if (der.length !== 44 || !der.subarray(0, 12).equals(ED25519_SPKI_HEADER)) return "the public key must be Ed25519";
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: der.subarray(12).toString("base64url") }, format: "jwk" });
    const ok = verify(null, Buffer.from(helloSignedText(nonce, hello.clientId)), key, Buffer.from(hello.signature, "base64"));
    return ok ? undefined : "the signature does not match the challenge";
  } catch (err) {
    return `the public key cannot be read: ${(err as Error).message}`;
  }
}

export async function validateHello(hello: Hello, nonce: string, ip: string, clients: Pick<AgentIngress, "agentHello">): Promise<HelloOutcome> {
  if (hello.version !== PROTOCOL_VERSION) {
    return refuse("bad-version", `this server speaks agent protocol ${PROTOCOL_VERSION} and the agent ${hello.version}; install a matching agent`);
  }
  const problem = identityProblem(hello, nonce);
  if (problem) return refuse("bad-identity", problem);
  const derived = idDerivesFromKey(hello);
  const res = await clients.agentHello({ clientId: hello.clientId, publicKey: hello.publicKey, derived, token: hello.token, agentName: hello.agent.name, agentVersion: hello.agent.version, ip });
  return res.ok ? res : refuse(res.code, res.message);
}
