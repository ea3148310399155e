// Who may subscribe to the endpoint topics, and where changes are published.
import { describe, expect, it } from "vitest";
import { permissionsOf } from "../auth/roles";
import { METADATA_QUEUE, type Journal, type JournalEvent, type Principal } from "@/engine/server/contracts";
import { quietLog } from "../cluster/testing";
import { endpointTopics, followClientEvents } from "./endpoint-topics";
import type { TopicAuthorizer } from "./ui-hub";

function fakeHub() {
  const authorizers = new Map<string, TopicAuthorizer>();
  const published: Array<[string, Record<string, unknown>]> = [];
  return {
    authorizers,
    published,
    authorize: (prefix: string, check: TopicAuthorizer) => void authorizers.set(prefix, check),
    publish: (topic: string, message: Record<string, unknown>) => void published.push([topic, message]),
    async allowed(p: Principal, topic: string) {
      const check = authorizers.get(topic.split(":")[0]!);
      return check ? Boolean(await check(p, topic)) : false;
    },
  };
}

const reader: Principal = { userId: "r", username: "rita", role: "reader", permissions: permissionsOf("reader"), via: "session" };
const nobody: Principal = { userId: "n", username: "nora", role: "reader", permissions: new Set(), via: "session" };
const ID = "C.0123456789abcdef";

describe("endpoint topics", () => {
  it("subscribing to clients, client:<id> and flows:<id> needs READ_RESULTS", async () => {
    const hub = fakeHub();
    endpointTopics(hub);
    for (const topic of ["clients", `client:${ID}`, `flows:${ID}`]) {
      expect(await hub.allowed(reader, topic)).toBe(true);
      expect(await hub.allowed(nobody, topic)).toBe(false);
    }
  });

  it("refuses topics that name no canonical client id", async () => {
    const hub = fakeHub();
    endpointTopics(hub);
    for (const topic of ["client:", "client:nope", `client:${ID.toUpperCase()}`, `flows: ${ID}`, "clients:extra"]) expect(await hub.allowed(reader, topic)).toBe(false);
  });

  it("a client change goes to the list topic and the client's own topic; a flow change to flows:<id>", () => {
    const hub = fakeHub();
    const live = endpointTopics(hub);
    live.clientChanged(ID, { type: "online", online: false });
    live.clientChanged(ID, { type: "labels" });
    live.flowChanged(ID, "F.ABCDEFGHIJKLM");
    expect(hub.published).toEqual([
      ["clients", { type: "online", online: false, clientId: ID }],
      [`client:${ID}`, { type: "online", online: false, clientId: ID }],
      ["clients", { type: "labels", clientId: ID }],
      [`client:${ID}`, { type: "labels", clientId: ID }],
      [`flows:${ID}`, { type: "flow", clientId: ID, flowId: "F.ABCDEFGHIJKLM" }],
    ]);
  });

  it("browsers follow client changes from the journal, but not the server's own metadata changes", async () => {
    const event = (payload: Record<string, unknown>) => ({ id: 1, cursor: "0:1", queue: METADATA_QUEUE, at: new Date(0), clientId: "server", payload }) as unknown as JournalEvent;
    const journal = {
      subscribe(queue: string) {
        const events = queue === METADATA_QUEUE ? [event({ client_id: "server", principal: "admin", updated_keys: ["SlackToken"] }), event({ client_id: ID, Set: { a: "1" }, Remove: [] })] : [];
        return Object.assign((async function* () { yield* events; })(), { ready: Promise.resolve() });
      },
    } as unknown as Journal;
    const local: Array<[string, Record<string, unknown>]> = [];
    const ac = new AbortController();
    followClientEvents({ journal, ui: { publishLocal: (t, m) => void local.push([t, m]) }, log: quietLog }, ac.signal);
    await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    expect(local).toEqual([
      ["clients", { type: "metadata", clientId: ID }],
      [`client:${ID}`, { type: "metadata", clientId: ID }],
    ]);
  });
});
