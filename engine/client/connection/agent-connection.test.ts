// AgentConnection with several server URLs, over real WebSockets to fake servers
// (testdata/fake-server.ts): the order it dials in, failover on a drop and on a failed attempt,
// the per-cycle backoff, and refusals.
import { afterEach, describe, expect, it, vi } from "vitest";
import { newIdentity } from "../identity";
import { AgentConnection, type ConnectionSettings, type StopReason } from "./agent-connection";
import { MemoryOutbox } from "./outbox";
import type { ServerTarget } from "./servers";
import { startFakeServer, unusedUrl, type FakeServer } from "./testdata/fake-server";

const open: Array<{ c: AgentConnection; done: Promise<StopReason> }> = [];
const fakes: FakeServer[] = [];

afterEach(async () => {
  for (const { c, done } of open.splice(0)) {
    c.stop();
    await done;
  }
  for (const f of fakes.splice(0)) await f.close();
});

async function fake(o?: Parameters<typeof startFakeServer>[0]) {
  const f = await startFakeServer(o);
  fakes.push(f);
  return f;
}

function dial(target: ServerTarget, extra: Partial<ConnectionSettings> = {}) {
  const logs: string[] = [];
  const c = new AgentConnection({
    ...target,
    identity: newIdentity(),
    agent: { name: "test", version: "test" },
    outbox: new MemoryOutbox(),
    onCollect() {},
    onCancel() {},
    running: () => [],
    log: (level, message, fields) => logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`),
    // The production default: the failover must be quick even with it.
    backoff: { baseMs: 1000, maxMs: 60_000 },
    ...extra,
  } as ConnectionSettings & ServerTarget);
  const done = c.run();
  open.push({ c, done });
  return { c, done, logs };
}

const within = (ms: number) => ({ timeout: ms, interval: 10 });

describe("AgentConnection with several servers", () => {
  it("connects to the first server, and when it exits is welcomed by the next within the base delay", async () => {
    const [s1, s2] = [await fake(), await fake()];
    const { c, logs } = dial({ servers: [s1.url, s2.url] });
    await vi.waitFor(() => expect(c.currentServer).toBe(s1.url), within(3000));
    expect(c.isOnline).toBe(true);
    expect(s2.hellos).toEqual([]);

    const t0 = Date.now();
    await s1.close();
    await vi.waitFor(() => expect(c.currentServer).toBe(s2.url), within(3000));
    expect(Date.now() - t0).toBeLessThan(2500); // the base delay (1 s) plus a handshake, with room for a loaded machine
    expect(s2.hellos).toEqual(s1.hellos);
    expect(logs.join("\n")).toContain(`warn connecting to next server {"url":"${s2.url}"`);
  });

  it("a dropped connection moves on along the list and wraps around to the first", async () => {
    const [s1, s2] = [await fake(), await fake()];
    const { c } = dial({ servers: [s1.url, s2.url] }, { backoff: { baseMs: 20, maxMs: 200 } });
    await vi.waitFor(() => expect(c.currentServer).toBe(s1.url), within(3000));
    s1.dropAll();
    await vi.waitFor(() => expect(c.currentServer).toBe(s2.url), within(3000));
    s2.dropAll();
    await vi.waitFor(() => expect(c.currentServer).toBe(s1.url), within(3000));
    expect([s1.hellos.length, s2.hellos.length]).toEqual([2, 1]);
  });

  it("with the first server unreachable from the start, the agent reaches the second", async () => {
    const dead = await unusedUrl();
    const s2 = await fake();
    const { c, logs } = dial({ servers: [dead, s2.url] });
    await vi.waitFor(() => expect(c.currentServer).toBe(s2.url), within(3000));
    expect(logs.join("\n")).toMatch(new RegExp(`warn connection to the server failed .*"server":"${dead}"`));
    expect(logs.join("\n")).toContain(`info connecting to next server {"url":"${s2.url}"`);
  });

  it("while every server is down it cycles through the list, and the backoff grows once per full cycle", async () => {
    const [u1, u2] = [await unusedUrl(), await unusedUrl()];
    const { c, logs } = dial({ servers: [u1, u2] }, { backoff: { baseMs: 20, maxMs: 10_000, random: () => 1 } });
    const nexts = () => logs.filter((l) => l.includes("connecting to next server")).map((l) => JSON.parse(l.slice(l.indexOf("{"))) as { url: string; inMs: number });
    await vi.waitFor(() => expect(nexts().length).toBeGreaterThanOrEqual(5), within(5000));
    expect(nexts().slice(0, 5)).toEqual([
      { url: u2, inMs: 20 },
      { url: u1, inMs: 20 },
      { url: u2, inMs: 40 },
      { url: u1, inMs: 40 },
      { url: u2, inMs: 80 },
    ]);
    expect(c.currentServer).toBeUndefined();
  });

  it("a permanent refusal stops the agent without trying the other servers", async () => {
    const [s1, s2] = [await fake({ refuse: "bad-token" }), await fake()];
    const { done } = dial({ servers: [s1.url, s2.url] });
    await expect(done).resolves.toMatchObject({ kind: "refused", refusal: { code: "bad-token" } });
    expect(s1.hellos).toHaveLength(1);
    expect(s2.hellos).toEqual([]);
  });

  it("a transient refusal (busy) moves on to the next server", async () => {
    const [s1, s2] = [await fake({ refuse: "busy" }), await fake()];
    const { c } = dial({ servers: [s1.url, s2.url] });
    await vi.waitFor(() => expect(c.currentServer).toBe(s2.url), within(3000));
  });

  it("a single `server` still works, and stop() leaves it offline", async () => {
    const s1 = await fake();
    const { c, done } = dial({ server: s1.url });
    expect(c.servers).toEqual([s1.url]);
    await vi.waitFor(() => expect(c.currentServer).toBe(s1.url), within(3000));
    c.stop();
    await expect(done).resolves.toEqual({ kind: "stopped" });
    expect(c.currentServer).toBeUndefined();
    expect(c.isOnline).toBe(false);
  });

  it("refuses to start without a server", () => {
    expect(() => dial({ servers: [] })).toThrow(/at least one server URL/);
  });
});
