// The browser live channel without a browser: a fake WebSocket drives ui-socket's per-topic
// status (live after the server confirms, down on close or refusal), and throttle() collapses
// bursts of re-reads.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { throttle } from "./use-live-topics";

class FakeSocket {
  static last: FakeSocket | undefined;
  sent: Array<Record<string, unknown>> = [];
  onopen?: () => void;
  onmessage?: (e: { data: string }) => void;
  onclose?: (e?: { code?: number }) => void;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  serverSays(m: Record<string, unknown>) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
}

beforeAll(() => {
  Object.assign(globalThis, { window: {}, location: { protocol: "http:", host: "talon.test" }, WebSocket: FakeSocket });
});

describe("ui-socket topic status", () => {
  it("is live once the server confirms, passes messages on, and goes down when the socket closes", async () => {
    const { subscribe } = await import("./ui-socket");
    const status: boolean[] = [];
    const got: unknown[] = [];
    const off = subscribe("client:C.0123456789abcdef", (m) => got.push(m.type), undefined, (live) => status.push(live));
    const sock = FakeSocket.last!;
    expect(sock.url).toBe("ws://talon.test/api/ws/ui");
    sock.onopen!();
    expect(sock.sent).toEqual([{ type: "subscribe", topic: "client:C.0123456789abcdef" }]);
    expect(status).toEqual([]);
    sock.serverSays({ type: "subscribed", topic: "client:C.0123456789abcdef" });
    expect(status).toEqual([true]);
    sock.serverSays({ type: "labels", topic: "client:C.0123456789abcdef" });
    expect(got).toEqual(["subscribed", "labels"]);

    // A second subscriber to a topic that is already live hears so at once.
    const late: boolean[] = [];
    const off2 = subscribe("client:C.0123456789abcdef", () => {}, undefined, (live) => late.push(live));
    await Promise.resolve();
    expect(late).toEqual([true]);

    sock.onclose!();
    expect(status).toEqual([true, false]);
    expect(late).toEqual([true, false]);
    off();
    off2();
  });

  it("after a reconnect topics are subscribed again; a refused topic is not live", async () => {
    const { subscribe } = await import("./ui-socket");
    const before = FakeSocket.last;
    const status: boolean[] = [];
    const off = subscribe("flows:nope", () => {}, undefined, (live) => status.push(live));
    // The socket closed in the previous test reconnects after its back-off.
    await vi.waitFor(() => expect(FakeSocket.last).not.toBe(before), { timeout: 2000 });
    const sock = FakeSocket.last!;
    sock.onopen!();
    expect(sock.sent).toEqual([{ type: "subscribe", topic: "flows:nope" }]);
    sock.serverSays({ type: "subscribed", topic: "flows:nope" });
    sock.serverSays({ type: "error", topic: "flows:nope", message: "no access to this topic" });
    expect(status).toEqual([true, false]);
    off();
  });

  it("a subscription the server takes away is down; a socket closed because the session ended goes to sign-in, not back online", async () => {
    const { subscribe } = await import("./ui-socket");
    const sock = FakeSocket.last!;
    const assigned: string[] = [];
    Object.assign(globalThis.location, { pathname: "/notebooks/N.1", search: "?x=1", assign: (u: string) => assigned.push(u) });
    const status: boolean[] = [];
    const off = subscribe("notebook:N.1", () => {}, undefined, (live) => status.push(live));
    expect(sock.sent.at(-1)).toEqual({ type: "subscribe", topic: "notebook:N.1" });
    sock.serverSays({ type: "subscribed", topic: "notebook:N.1" });
    sock.serverSays({ type: "unsubscribed", topic: "notebook:N.1", message: "no access to this topic any more" });
    expect(status).toEqual([true, false]);
    sock.onclose!({ code: 4401 });
    expect(assigned).toEqual(["/login?next=%2Fnotebooks%2FN.1%3Fx%3D1"]);
    // No reconnect (the first back-off is 250 ms).
    await new Promise((r) => setTimeout(r, 600));
    expect(FakeSocket.last).toBe(sock);
    off();
  });
});

describe("throttle()", () => {
  afterEach(() => vi.useRealTimers());

  it("runs the first call at once and collapses a burst into one trailing call", () => {
    vi.useFakeTimers();
    let n = 0;
    const t = throttle(() => n++, 500);
    t.call();
    expect(n).toBe(1);
    for (let i = 0; i < 50; i++) t.call();
    expect(n).toBe(1);
    vi.advanceTimersByTime(500);
    expect(n).toBe(2);
    vi.advanceTimersByTime(500);
    expect(n).toBe(2);
    t.call();
    expect(n).toBe(3);
    t.call();
    t.cancel();
    vi.advanceTimersByTime(1000);
    expect(n).toBe(3);
  });
});
