// Who may subscribe to the hunt topics, and what the journal follower publishes: one coalesced
// {type: "changed", huntId} per hunt on `hunts` and `hunt:<id>` for participation rows, and for
// completions of flows the lookup places in a hunt (nothing for other flows).
import { describe, expect, it } from "vitest";
import { permissionsOf } from "../auth/roles";
import type { JournalEvent, JournalSubscription, Principal } from "@/engine/server/contracts";
import { authorizeHuntTopics, followHuntEvents } from "./hunt-topics";
import type { TopicAuthorizer } from "./ui-hub";

const who = (role: string, permissions: Principal["permissions"]): Principal => ({ userId: role, username: role, role, permissions, via: "session" });
const H = "H.0123456789ABC";

async function allowed(p: Principal, topic: string) {
  const authorizers = new Map<string, TopicAuthorizer>();
  authorizeHuntTopics({ authorize: (prefix, check) => void authorizers.set(prefix, check) });
  const check = authorizers.get(topic.split(":")[0]!);
  return check ? Boolean(await check(p, topic)) : false;
}

/** A journal whose subscriptions yield what the test pushes to their queue. */
function fakeJournal() {
  const waiting = new Map<string, Array<(e: JournalEvent) => void>>();
  const backlog = new Map<string, JournalEvent[]>();
  let id = 0;
  return {
    push(queue: string, payload: Record<string, unknown>) {
      const e: JournalEvent = { id: ++id, cursor: `0:${id}`, queue, at: new Date(), clientId: "server", payload } as JournalEvent;
      const w = waiting.get(queue)?.shift();
      if (w) w(e);
      else backlog.set(queue, [...(backlog.get(queue) ?? []), e]);
    },
    subscribe(queue: string, opts: { signal: AbortSignal }): JournalSubscription {
      const it = (async function* () {
        while (!opts.signal.aborted) {
          const ready = backlog.get(queue)?.shift();
          if (ready) {
            yield ready;
            continue;
          }
          const next = await new Promise<JournalEvent | undefined>((resolve) => {
            waiting.set(queue, [...(waiting.get(queue) ?? []), resolve]);
            opts.signal.addEventListener("abort", () => resolve(undefined), { once: true });
          });
          if (!next) return;
          yield next;
        }
      })();
      return Object.assign(it, { ready: Promise.resolve() });
    },
  };
}

const quiet = { info() {}, warn() {}, error() {} };
const settle = () => new Promise((r) => setTimeout(r, 20));

describe("hunt topics", () => {
  it("subscribing to hunts and hunt:<id> needs READ_RESULTS", async () => {
    expect(await allowed(who("reader", permissionsOf("reader")), "hunts")).toBe(true);
    expect(await allowed(who("reader", permissionsOf("reader")), `hunt:${H}`)).toBe(true);
    expect(await allowed(who("nobody", new Set()), "hunts")).toBe(false);
    expect(await allowed(who("nobody", new Set()), `hunt:${H}`)).toBe(false);
  });

  it("refuses malformed hunt topics", async () => {
    const reader = who("reader", permissionsOf("reader"));
    expect(await allowed(reader, "hunts:x")).toBe(false);
    expect(await allowed(reader, "hunt:not-a-hunt")).toBe(false);
    expect(await allowed(reader, "hunt:h.0123456789abc")).toBe(false);
    expect(await allowed(reader, "hunt:")).toBe(false);
  });

  it("publishes one coalesced change per hunt for participation rows and for completions of the hunt's flows", async () => {
    const journal = fakeJournal();
    const published: Array<[string, unknown]> = [];
    const looked: string[][] = [];
    const stop = new AbortController();
    const follower = followHuntEvents(
      {
        journal,
        ui: { publishLocal: (topic, message) => void published.push([topic, message]) },
        log: quiet,
        flushMs: 60_000,
        huntsOfFlows: async (ids) => (looked.push(ids), ids.includes("F.AAAAAAAAAAAAA.H") ? [H] : []),
      },
      stop.signal,
    );
    try {
      for (let i = 0; i < 5; i++) journal.push("System.Hunt.Participation", { HuntId: H, ClientId: `C.${String(i).padStart(16, "0")}` });
      await settle();
      await follower.flush();
      expect(published).toEqual([
        ["hunts", { type: "changed", huntId: H }],
        [`hunt:${H}`, { type: "changed", huntId: H }],
      ]);

      published.length = 0;
      journal.push("System.Flow.Completion", { FlowId: "F.BBBBBBBBBBBBB", ClientId: "C.0000000000000001" });
      await settle();
      await follower.flush();
      expect(looked.at(-1)).toEqual(["F.BBBBBBBBBBBBB"]);
      expect(published).toEqual([]);

      journal.push("System.Flow.Completion", { FlowId: "F.AAAAAAAAAAAAA.H", ClientId: "C.0000000000000001" });
      journal.push("Server.Internal.HuntModification", { HuntId: H, Mutation: { state: "STOPPED" } });
      await settle();
      await follower.flush();
      expect(published).toEqual([
        ["hunts", { type: "changed", huntId: H }],
        [`hunt:${H}`, { type: "changed", huntId: H }],
      ]);
    } finally {
      stop.abort();
    }
  });
});
