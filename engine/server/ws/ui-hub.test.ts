// The browser hub: messages checked at the socket edge, topics authorised per prefix, and a
// publish reaching this process's subscribers at once and the other processes' over the bus.
import { EventEmitter } from "node:events";
import type { WebSocket } from "ws";
import { describe, expect, it } from "vitest";
import { permissionsOf } from "../auth/roles";
import type { Bus, BusHandler, NodeId, Principal } from "@/engine/server/contracts";
import { createUiHub } from "./ui-hub";

const quiet = { info() {}, warn() {}, error() {} };
const reader: Principal = { userId: "r", username: "rita", role: "reader", permissions: permissionsOf("reader"), via: "session" };

function fakeSocket() {
  const ws = Object.assign(new EventEmitter(), { OPEN: 1, readyState: 1, bufferedAmount: 0, sent: [] as Record<string, unknown>[], send(d: string) { ws.sent.push(JSON.parse(d)); }, terminate() {} });
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
});
