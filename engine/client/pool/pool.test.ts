// Pool mode with several server URLs, against fake servers over real WebSockets: `spread` gives
// agent i the list rotated to start at server i mod n; without it every agent starts at the first.
// (The pool against a real server is engine/integration/pool.test.ts.)
import { afterEach, describe, expect, it } from "vitest";
import { startFakeServer, type FakeServer } from "../connection/testdata/fake-server";
import { startPool, type Pool } from "./pool";

let pool: Pool | undefined;
const fakes: FakeServer[] = [];

afterEach(async () => {
  await pool?.stop();
  pool = undefined;
  for (const f of fakes.splice(0)) await f.close();
});

async function threeServers() {
  for (let i = 0; i < 3; i++) fakes.push(await startFakeServer());
  return fakes.map((f) => f.url);
}

describe("startPool() with several servers", () => {
  it("spread: agent i starts at server i mod n and fails over along the rotated list", async () => {
    const urls = await threeServers();
    pool = startPool({ servers: urls, spread: true, token: "t", count: 7, seed: "spread", version: "test", log: () => {} });
    await pool.allWelcomed();
    const agents = pool.agents.map((a) => a.agent);
    expect(agents.map((a) => a.connection.servers[0])).toEqual([0, 1, 2, 0, 1, 2, 0].map((k) => urls[k]));
    expect(agents[1]!.connection.servers).toEqual([urls[1], urls[2], urls[0]]);
    expect(agents.map((a) => a.connection.currentServer)).toEqual(agents.map((a) => a.connection.servers[0]));
    for (const [k, f] of fakes.entries()) expect([...f.hellos].sort()).toEqual(agents.filter((_, i) => i % 3 === k).map((a) => a.clientId).sort());
  });

  it("without spread every agent dials the list in order", async () => {
    const urls = await threeServers();
    pool = startPool({ servers: urls, token: "t", count: 4, seed: "in-order", version: "test", log: () => {} });
    await pool.allWelcomed();
    for (const { agent } of pool.agents) expect(agent.connection.servers).toEqual(urls);
    expect(fakes.map((f) => f.hellos.length)).toEqual([4, 0, 0]);
  });
});
