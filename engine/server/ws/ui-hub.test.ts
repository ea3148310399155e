// The browser hub: messages checked at the socket edge, topics authorised per prefix, and a
// publish reaching this process's subscribers at once and the other processes' over the bus;
// access re-checked on each subscribe and after access changes (recheckUser, recheckTopic).
import { EventEmitter } from "node:events";
import type { WebSocket } from "ws";
import { describe, expect, it } from "vitest";
import { permissionsOf } from "../auth/roles";
import type { Bus, BusHandler, NodeId, Principal } from "@/engine/server/contracts";
import { createUiHub } from "./ui-hub";

const quiet = { info() {}, warn() {}, error() {} };
const reader: Principal = { userId: "r", username: "rita", role: "reader", permissions: permissionsOf("reader"), via: "session" };
const adminRita: Principal = { ...reader, role: "administrator", permissions: permissionsOf("administrator") };

function fakeSocket() {
  const ws = Object.assign(new EventEmitter(), {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    sent: [] as Record<string, unknown>[],
    closed: undefined as { code: number; reason: string } | undefined,
    send(d: string) {
      ws.sent.push(JSON.parse(d));
    },
    close(code: number, reason: string) {
      ws.closed = { code, reason };
      ws.readyState = 3;
    },
    terminate() {},
  });
  return ws;
}

function fakeBus() {
  const handlers = new Map<string, BusHandler>();
  const broadcasts: Array<[string, unknown]> = [];
  const bus: Bus = { broadcast: (t, p) => void broadcasts.push([t, p]), send() {}, on: (t, h) => (handlers.set(t, h), () => handlers.delete(t)) };
  return { bus, broadcasts, deliver: (t: string, p: unknown) => handlers.get(t)?.(p, "P.other" as NodeId) };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("ui hub", () => {
  it("answers malformed and unknown messages with an error and keeps the socket", async () => {
    const { bus } = fakeBus();
    const hub = createUiHub({ log: quiet, version: "t", bus });
    const ws = fakeSocket();
    hub.route.onConnection(ws as unknown as WebSocket, {} as never, reader);
    for (const bad of ["not json", JSON.stringify({ type: "subscribe" }), JSON.stringify({ type: "subscribe", topic: "x".repeat(300) }), JSON.stringify({ type: "drop-tables" })]) ws.emit("message", bad);
    await tick();
    expect(ws.sent.filter((m) => m.type === "error").map((m) => m.message)).toEqual(["malformed message", "malformed message", "malformed message", "malformed message"]);
    ws.emit("message", JSON.stringify({ type: "ping", id: 7 }));
    await tick();
    expect(ws.sent.at(-1)).toEqual({ type: "pong", id: 7 });
  });

  it("subscribes only where the prefix's authorizer allows; a publish reaches subscribers here and goes to the bus", async () => {
    const { bus, broadcasts } = fakeBus();
    const hub = createUiHub({ log: quiet, version: "t", bus });
    hub.authorize("clients", (p) => p.permissions.has("READ_RESULTS"));
    const ws = fakeSocket();
    hub.route.onConnection(ws as unknown as WebSocket, {} as never, reader);
    ws.emit("message", JSON.stringify({ type: "subscribe", topic: "clients" }));
    ws.emit("message", JSON.stringify({ type: "subscribe", topic: "secret:1" }));
    await tick();
    expect(ws.sent.map((m) => `${m.type} ${m.topic ?? ""}`).sort()).toEqual(["error secret:1", "hello ", "subscribed clients"]);
    hub.publish("clients", { type: "labels", clientId: "C.0123456789abcdef" });
    expect(ws.sent.at(-1)).toEqual({ type: "labels", clientId: "C.0123456789abcdef", topic: "clients" });
    expect(broadcasts).toEqual([["ui", { topic: "clients", message: { type: "labels", clientId: "C.0123456789abcdef" } }]]);
  });

  it("a message relayed from another process reaches this process's subscribers only (not sent on again)", async () => {
    const { bus, broadcasts, deliver } = fakeBus();
    const hub = createUiHub({ log: quiet, version: "t", bus });
    hub.authorize("clients", () => true);
    const ws = fakeSocket();
    hub.route.onConnection(ws as unknown as WebSocket, {} as never, reader);
    ws.emit("message", JSON.stringify({ type: "subscribe", topic: "clients" }));
    await tick();
    await deliver("ui", { topic: "clients", message: { type: "online", online: true } });
    expect(ws.sent.at(-1)).toEqual({ type: "online", online: true, topic: "clients" });
    expect(broadcasts).toEqual([]);
  });

  it("a user re-check drops the subscriptions the new principal may not hold and tells the browser; the others stay", async () => {
    const { bus } = fakeBus();
    let now: Principal | undefined = adminRita;
    const hub = createUiHub({ log: quiet, version: "t", bus, reauthenticate: async () => now });
    hub.authorize("admin", (p) => p.permissions.has("SERVER_ADMIN"));
    hub.authorize("clients", (p) => p.permissions.has("READ_RESULTS"));
    const ws = fakeSocket();
    hub.route.onConnection(ws as unknown as WebSocket, { headers: {} } as never, adminRita);
    ws.emit("message", JSON.stringify({ type: "subscribe", topic: "admin:x" }));
    ws.emit("message", JSON.stringify({ type: "subscribe", topic: "clients" }));
    await tick();
    expect(hub.subscribers("admin:x")).toBe(1);
    now = reader;
    await hub.recheckUser("someone-else", "session ended");
    expect(hub.subscribers("admin:x")).toBe(1);
    await hub.recheckUser("r", "session ended");
    expect(ws.sent.at(-1)).toEqual({ type: "unsubscribed", topic: "admin:x", message: "no access to this topic any more" });
    expect(hub.subscribers("admin:x")).toBe(0);
    expect(hub.subscribers("clients")).toBe(1);
    hub.publishLocal("admin:x", { type: "secret" });
    expect(ws.sent.some((m) => m.type === "secret")).toBe(false);
    expect(ws.closed).toBeUndefined();
  });

  it("a user re-check closes a socket whose session is gone with 4401 and the reason, and it holds nothing after", async () => {
    const { bus } = fakeBus();
    let now: Principal | undefined = reader;
    const hub = createUiHub({ log: quiet, version: "t", bus, reauthenticate: async () => now });
    hub.authorize("clients", () => true);
    const ws = fakeSocket();
    hub.route.onConnection(ws as unknown as WebSocket, { headers: {} } as never, reader);
    ws.emit("message", JSON.stringify({ type: "subscribe", topic: "clients" }));
    await tick();
    now = undefined;
    await hub.recheckUser("r", "your account was disabled");
    expect(ws.closed).toEqual({ code: 4401, reason: "your account was disabled" });
    expect(hub.subscribers("clients")).toBe(0);
  });

  it("a subscribe re-resolves the session first: a signed-out socket is closed, not subscribed", async () => {
    const { bus } = fakeBus();
    const fresh: Array<boolean | undefined> = [];
    const hub = createUiHub({ log: quiet, version: "t", bus, reauthenticate: async (_req, o) => (fresh.push(o?.fresh), undefined) });
    hub.authorize("clients", () => true);
    const ws = fakeSocket();
    hub.route.onConnection(ws as unknown as WebSocket, { headers: {} } as never, reader);
    ws.emit("message", JSON.stringify({ type: "subscribe", topic: "clients" }));
    await tick();
    expect(ws.sent.some((m) => m.type === "subscribed")).toBe(false);
    expect(ws.closed?.code).toBe(4401);
    expect(fresh).toEqual([false]);
  });

  it("a topic re-check asks the authorizer again for each subscriber; an answer that overlapped a re-check is asked again", async () => {
    const { bus } = fakeBus();
    const hub = createUiHub({ log: quiet, version: "t", bus });
    let shared = true;
    let gate: (() => void) | undefined;
    hub.authorize("notebook", async () => {
      const answer = shared;
      if (gate === undefined) await new Promise<void>((r) => (gate = r));
      return answer;
    });
    const a = fakeSocket();
    hub.route.onConnection(a as unknown as WebSocket, {} as never, reader);
    a.emit("message", JSON.stringify({ type: "subscribe", topic: "notebook:N.1" }));
    await tick();
    // The authorizer read "shared" and waits; meanwhile sharing changes and the topic is re-checked.
    shared = false;
    await hub.recheckTopic("notebook:N.1");
    gate!();
    await tick();
    expect(a.sent.filter((m) => m.topic === "notebook:N.1").map((m) => m.type)).toEqual(["error"]);
    expect(hub.subscribers("notebook:N.1")).toBe(0);

    shared = true;
    const b = fakeSocket();
    hub.route.onConnection(b as unknown as WebSocket, {} as never, reader);
    b.emit("message", JSON.stringify({ type: "subscribe", topic: "notebook:N.1" }));
    await tick();
    expect(hub.subscribers("notebook:N.1")).toBe(1);
    shared = false;
    await hub.recheckTopic("notebook:N.1");
    expect(b.sent.at(-1)).toEqual({ type: "unsubscribed", topic: "notebook:N.1", message: "no access to this topic any more" });
    expect(hub.subscribers("notebook:N.1")).toBe(0);
  });

  it("messages of one socket are handled in order: an unsubscribe right after a subscribe leaves nothing subscribed", async () => {
    const { bus } = fakeBus();
    const hub = createUiHub({ log: quiet, version: "t", bus });
    hub.authorize("clients", async () => (await tick(), true));
    const ws = fakeSocket();
    hub.route.onConnection(ws as unknown as WebSocket, {} as never, reader);
    ws.emit("message", JSON.stringify({ type: "subscribe", topic: "clients" }));
    ws.emit("message", JSON.stringify({ type: "unsubscribe", topic: "clients" }));
    await tick();
    await tick();
    expect(hub.subscribers("clients")).toBe(0);
  });
});
