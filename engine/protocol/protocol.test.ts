import { describe, expect, it } from "vitest";
import { clientIdFromDigest, createFlowId, decodeAgentMessage, decodeServerMessage, encodeMessage, isFlowId, parseClientId, parseFlowId, PROTOCOL_VERSION } from ".";

const hello = {
  type: "hello",
  version: PROTOCOL_VERSION,
  clientId: "C.0123456789abcdef",
  publicKey: "A".repeat(60),
  signature: "B".repeat(88),
  agent: { name: "talon", version: "0.1.0" },
  inFlight: [],
};

describe("protocol codec", () => {
  it("decodeAgentMessage() accepts a valid hello and keeps its fields", () => {
    const d = decodeAgentMessage(JSON.stringify(hello), 1000);
    expect(d.ok).toBe(true);
    if (d.ok) expect(d.message).toMatchObject({ type: "hello", clientId: "C.0123456789abcdef" });
  });

  it("refuses text that is not JSON, unknown types, bad fields and oversized frames, with a reason", () => {
    expect(decodeAgentMessage("{nope", 1000)).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
    expect(decodeAgentMessage(JSON.stringify({ type: "launch-missiles" }), 1000)).toMatchObject({ ok: false, reason: expect.stringMatching(/invalid message/) });
    const bad = decodeAgentMessage(JSON.stringify({ ...hello, clientId: "C.xyz" }), 1000);
    expect(bad).toMatchObject({ ok: false, reason: expect.stringMatching(/clientId/) });
    const big = decodeAgentMessage(Buffer.from(JSON.stringify({ ...hello, agent: { name: "x".repeat(2000), version: "1" } })), 1000);
    expect(big).toMatchObject({ ok: false, reason: expect.stringMatching(/over the limit of 1000/) });
  });

  it("rows need a positive seq, a flow id and at least one row", () => {
    const rows = { type: "rows", seq: 1, flowId: "F.0000000000ABC", artifact: "A.B", columns: ["X"], rows: [{ X: 1 }] };
    expect(decodeAgentMessage(JSON.stringify(rows), 1e6).ok).toBe(true);
    expect(decodeAgentMessage(JSON.stringify({ ...rows, seq: 0 }), 1e6).ok).toBe(false);
    expect(decodeAgentMessage(JSON.stringify({ ...rows, rows: [] }), 1e6).ok).toBe(false);
    expect(decodeAgentMessage(JSON.stringify({ ...rows, flowId: "H.1" }), 1e6).ok).toBe(false);
  });

  it("times outside a Date's range and absurd durations are refused at the edge, not in a write batch", () => {
    const log = { type: "log", seq: 1, flowId: "F.0000000000ABC", entries: [{ time: 1e20, level: "INFO", message: "m" }] };
    expect(decodeAgentMessage(JSON.stringify(log), 1e6)).toMatchObject({ ok: false, reason: expect.stringMatching(/entries\.0\.time/) });
    expect(decodeAgentMessage(JSON.stringify({ ...log, entries: [{ ...log.entries[0], time: Date.now() }] }), 1e6).ok).toBe(true);
    const status = { type: "source-status", seq: 2, flowId: "F.0000000000ABC", artifact: "A.B", state: "finished", rows: 0, durationMs: 1e300 };
    expect(decodeAgentMessage(JSON.stringify(status), 1e6)).toMatchObject({ ok: false, reason: expect.stringMatching(/durationMs/) });
  });

  it("server messages round-trip through encodeMessage/decodeServerMessage", () => {
    const m = { type: "ack" as const, seq: 42 };
    expect(decodeServerMessage(encodeMessage(m))).toEqual({ ok: true, message: m });
  });
});

describe("ids", () => {
  it("clientIdFromDigest() takes the first 16 hex digits with the C. prefix", () => {
    expect(clientIdFromDigest("ABCDEF0123456789ffff")).toBe("C.abcdef0123456789");
  });

  it("parseClientId() accepts any case and trims; rejects other shapes", () => {
    expect(parseClientId(" c.ABCDEF0123456789 ")).toBe("C.abcdef0123456789");
    expect(parseClientId("C.123")).toBeUndefined();
  });

  it("createFlowId() makes 13-digit base32 ids that sort by creation time", () => {
    const a = createFlowId(1_700_000_000_000, new Uint8Array([255, 255, 255]));
    const b = createFlowId(1_700_000_000_001, new Uint8Array([0, 0, 0]));
    expect(a).toMatch(/^F\.[0-9A-V]{13}$/);
    expect(isFlowId(a)).toBe(true);
    expect(a < b).toBe(true);
    expect(parseFlowId(a.toLowerCase())).toBe(a);
  });
});
