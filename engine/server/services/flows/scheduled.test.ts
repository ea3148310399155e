// followScheduled() with a stand-in journal and presence: a Kill event (killkillkill() for an
// agent another process holds) is passed to the agent when this process holds its socket, and
// ignored when it does not; a Disconnect closes the socket.
import { setImmediate as tick } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { CLIENT_SCHEDULED_QUEUE, type JournalEvent } from "@/engine/server/contracts";
import { followScheduled } from "./scheduled";

const HERE = "C.1111111111111111";
const AWAY = "C.2222222222222222";

function event(id: number, payload: Record<string, unknown>): JournalEvent {
  return { id, cursor: String(id) as never, queue: CLIENT_SCHEDULED_QUEUE, at: new Date(0), clientId: String(payload.ClientId), payload };
}

describe("followScheduled()", () => {
  it("passes Kill to the agent whose socket this process holds, and Disconnect closes one", async () => {
    const sent: unknown[] = [];
    const closed: unknown[] = [];
    const events = [event(1, { ClientId: HERE, Kill: "killkillkill() by alice" }), event(2, { ClientId: AWAY, Kill: "killkillkill() by alice" }), event(3, { ClientId: HERE, Disconnect: "revoked" })];
    const ac = new AbortController();
    const deps = {
      log: { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} },
      journal: {
        async *subscribe() {
          yield* events;
          await new Promise((r) => ac.signal.addEventListener("abort", r));
        },
      },
      presence: {
        isLocal: (id: string) => id === HERE,
        sendLocal: (id: string, m: unknown) => (sent.push([id, m]), true),
        disconnectLocal: (id: string, reason: string) => (closed.push([id, reason]), true),
      },
    };
    followScheduled(deps as never, ac.signal);
    for (let i = 0; i < 5; i++) await tick();
    ac.abort();
    expect(sent).toEqual([[HERE, { type: "kill", reason: "killkillkill() by alice" }]]);
    expect(closed).toEqual([[HERE, "revoked"]]);
  });
});
