// The welcome's optional serverPublicKey (docs/crypto-file.md): absent (older servers) and a
// base64 key both decode; anything else is refused at the agent's socket edge.
import { describe, expect, it } from "vitest";
import { decodeServerMessage } from "./codec";
import { newServerKeyPair } from "@/engine/endpoint/crypto-file/format";

const welcome = { type: "welcome", clientId: "C.0123456789abcdef", enrolled: false, ackedSeq: 0, heartbeatMs: 30000, maxMessageBytes: 1024 };

describe("welcome.serverPublicKey", () => {
  it("is optional and carries an SPKI key in base64", () => {
    const key = newServerKeyPair().publicKey;
    expect(decodeServerMessage(JSON.stringify(welcome))).toMatchObject({ ok: true, message: welcome });
    expect(decodeServerMessage(JSON.stringify({ ...welcome, serverPublicKey: key }))).toMatchObject({ ok: true, message: { serverPublicKey: key } });
  });

  it("refuses a key that is not base64, empty or too long", () => {
    for (const bad of ["not base64!", "", "A".repeat(300), 42]) expect(decodeServerMessage(JSON.stringify({ ...welcome, serverPublicKey: bad })).ok).toBe(false);
  });
});
