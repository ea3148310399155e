// Authentication of an agent's hello: protocol version, the client id derived from the public
// key, the signature over this connection's challenge, then enrolment (token) through the
// clients service. Returns a refusal as data; never throws for bad input.
import { createHash, createPublicKey, verify } from "node:crypto";
import { clientIdFromDigest, helloSignedText, PROTOCOL_VERSION, type Hello, type Refused } from "../../protocol";
import type { AgentIngress } from "@/engine/server/contracts";

export type HelloOutcome = { ok: true; enrolled: boolean; ackedSeq: number } | { ok: false; refusal: Refused };

const ED25519_SPKI_HEADER = Buffer.from("302a300506032b6570032100", "hex");

const refuse = (code: Refused["code"], message: string): HelloOutcome => ({ ok: false, refusal: { type: "refused", code, message } });

/** True when `signature` is the Ed25519 signature of the hello text by `publicKey`. */
export function identityProblem(hello: Pick<Hello, "clientId" | "publicKey" | "signature">, nonce: string): string | undefined {
  let der: Buffer;
  try {
    der = Buffer.from(hello.publicKey, "base64");
    const id = clientIdFromDigest(createHash("sha256").update(der).digest("hex"));
    if (id !== hello.clientId) return "the client id does not belong to this public key";
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
  const res = await clients.agentHello({ clientId: hello.clientId, publicKey: hello.publicKey, token: hello.token, agentName: hello.agent.name, agentVersion: hello.agent.version, ip });
  return res.ok ? res : refuse(res.code, res.message);
}
