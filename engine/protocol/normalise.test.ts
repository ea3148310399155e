import { describe, expect, it } from "vitest";
import { decodeAgentMessage, LIMITS } from ".";
import { normalise, scanJsonText, storableText } from "./normalise";

const rows = (row: Record<string, unknown>, seq = 7) => ({ type: "rows", seq, flowId: "F.0000000000ABC", artifact: "A.B", columns: Object.keys(row), rows: [row] });
/** JSON text of `n` nested arrays (JSON.stringify itself recurses, and a test worker's stack is small). */
const deepText = (n: number) => `${"[".repeat(n)}"bottom"${"]".repeat(n)}`;
/** `value` as JSON with the string "DEEP" replaced by `n` nested arrays. */
const withDeep = (value: unknown, n: number) => JSON.stringify(value).replace('"DEEP"', deepText(n));
const deep = (n: number): unknown => {
  let v: unknown = "bottom";
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

describe("scanJsonText()", () => {
  it("measures nesting outside strings and notices NUL and surrogate escapes only", () => {
    expect(scanJsonText(JSON.stringify({ a: [[1]], b: "[[[[{{" }))).toEqual({ depth: 3, needsNormalise: false });
    expect(scanJsonText(JSON.stringify({ a: "x\u0000y" }))).toEqual({ depth: 1, needsNormalise: true });
    expect(scanJsonText(JSON.stringify({ a: "\uD800" }))).toMatchObject({ needsNormalise: true });
    expect(scanJsonText(JSON.stringify({ a: "\u00e9 and \u{1F600} are fine", b: 'a "quoted [ and \\\\" ]' }))).toEqual({ depth: 1, needsNormalise: false });
    // The text `\u0000` (an escaped backslash) is a false alarm: it costs a walk that changes nothing.
    const text = JSON.stringify({ a: "\\u0000 is text" });
    expect(scanJsonText(text)).toMatchObject({ needsNormalise: true });
    expect(normalise(JSON.parse(text), 64).replaced).toBe(0);
    expect(scanJsonText(deepText(5000))).toMatchObject({ depth: 5000 });
  });
});

describe("storableText() and normalise()", () => {
  it("replace NUL and lone surrogates with U+FFFD and keep pairs", () => {
    expect(storableText("a\u0000b\u0000")).toBe("a\uFFFDb\uFFFD");
    expect(storableText("x\uD800y\uDC00z\u{1F600}")).toBe("x\uFFFDy\uFFFDz\u{1F600}");
    const same = { a: ["ok"] };
    expect(normalise(same, 64).value).toBe(same);
    const n = normalise({ "k\u0000": ["v\u0000", { w: "\u0000" }] }, 64);
    expect(n).toEqual({ value: { "k\uFFFD": ["v\uFFFD", { w: "\uFFFD" }] }, depth: 3, replaced: 3 });
  });

  it("stops walking below maxDepth + 1", () => {
    expect(normalise(deep(5000), 64).depth).toBe(65);
  });
});

describe("decodeAgentMessage() makes rows storable", () => {
  it("a row with NUL in a value and a key is kept with U+FFFD", () => {
    const d = decodeAgentMessage(JSON.stringify(rows({ "Na\u0000me": "evil\u0000.exe", N: 1 })), 1e6);
    expect(d).toMatchObject({ ok: true, normalised: 3, message: { type: "rows", seq: 7, columns: ["Na\u0000me", "N"].map(storableText), rows: [{ "Na\uFFFDme": "evil\uFFFD.exe", N: 1 }] } });
  });

  it("a 5,000-deep array in a row refuses that message alone: a log line of the same seq and flow takes its place", () => {
    const d = decodeAgentMessage(withDeep(rows({ X: "DEEP" }, 9), 5000), LIMITS.maxMessageBytes);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.refused).toMatch(/deeper than 64 levels/);
    expect(d.message).toMatchObject({ type: "log", seq: 9, flowId: "F.0000000000ABC", entries: [{ level: "ERROR", artifact: "A.B", message: expect.stringMatching(/refused a rows message of \d+ bytes/) }] });
    expect(JSON.stringify(d.message)).not.toContain("bottom");
  });

  it("nesting up to the limit is stored as sent", () => {
    // rows (1) → rows array (2) → row (3) → value: 61 levels more reach exactly 64.
    const d = decodeAgentMessage(JSON.stringify(rows({ X: deep(61) })), 1e6);
    expect(d).toMatchObject({ ok: true, message: { type: "rows" } });
    expect(d.ok && d.refused).toBeFalsy();
    expect(decodeAgentMessage(JSON.stringify(rows({ X: deep(62) })), 1e6)).toMatchObject({ ok: true, refused: expect.any(String) });
  });

  it("a deep event row becomes an event-log line; a deep alert of a flow becomes a flow log line", () => {
    const ev = decodeAgentMessage(JSON.stringify({ type: "events", seq: 3, artifact: "Linux.Events.X", columns: ["X"], rows: [{ X: deep(100) }] }), 1e6);
    expect(ev).toMatchObject({ ok: true, message: { type: "event-log", seq: 3, entries: [{ artifact: "Linux.Events.X", level: "ERROR" }] } });
    const al = decodeAgentMessage(JSON.stringify({ type: "alert", seq: 4, flowId: "F.0000000000ABC", artifact: "A.B", alerts: [{ time: 1, name: "n", severity: "low", event_data: { X: deep(100) } }] }), 1e6);
    expect(al).toMatchObject({ ok: true, message: { type: "log", seq: 4, flowId: "F.0000000000ABC" } });
  });

  it("deep junk in a field the protocol does not know is dropped by the schema, not refused", () => {
    const d = decodeAgentMessage(withDeep({ type: "heartbeat", time: 1, junk: "DEEP" }, 5000), 1e6);
    expect(d).toEqual({ ok: true, message: { type: "heartbeat", time: 1 } });
  });

  it("a reason never quotes the message", () => {
    const d = decodeAgentMessage('{"type":"rows","secret":"TOPSECRET-VALUE" oops', 1e6);
    expect(d).toMatchObject({ ok: false, reason: expect.stringMatching(/^message is not JSON: syntax error/) });
    expect(!d.ok && d.reason).not.toContain("TOPSECRET");
  });
});
