// The agent's diagnostics: its log lines kept in the ring with secret-looking fields redacted,
// and rekey() making the new identity at once but switching to it only after `wait` seconds.
import { afterEach, describe, expect, it, vi } from "vitest";
import { agentDiagnostics, LogRing, QueryLog, ringLog } from "./diagnostics";
import { newIdentity, type Identity } from "./identity";

afterEach(() => vi.useRealTimers());

describe("agent diagnostics", () => {
  it("ringLog() keeps each line (fields named like secrets redacted) and still logs it unchanged", () => {
    const ring = new LogRing();
    const seen: unknown[] = [];
    const log = ringLog((level, message, fields) => seen.push([level, message, fields]), ring);
    log("warn", "enrolled", { token: "s3cret", apiKey: "k", clientId: "C.1", note: "two words" });
    expect(ring.since(0).map((l) => [l.level, l.msg, l.component])).toEqual([["WARN", 'enrolled token=[redacted] apiKey=[redacted] clientId=C.1 note="two words"', "client"]]);
    expect(seen).toEqual([["warn", "enrolled", { token: "s3cret", apiKey: "k", clientId: "C.1", note: "two words" }]]);
  });

  it("rekey(wait) returns the new client id at once and switches to it after `wait` seconds; close() cancels a pending switch", () => {
    vi.useFakeTimers();
    const made: Identity[] = [];
    const switched: string[] = [];
    const d = agentDiagnostics({
      ring: new LogRing(),
      queries: new QueryLog(),
      makeIdentity: () => (made.push(newIdentity()), made.at(-1)!),
      switchTo: (id) => switched.push(id.clientId),
      log: () => {},
    });
    const id = d.rekey!(2);
    expect(id).toBe(made[0]!.clientId);
    vi.advanceTimersByTime(1999);
    expect(switched).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(switched).toEqual([id]);
    d.rekey!(5);
    d.close();
    vi.advanceTimersByTime(10_000);
    expect(switched).toEqual([id]);
  });
});
