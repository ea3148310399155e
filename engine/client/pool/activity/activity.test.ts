// The activity timeline from first principles: slots are strictly increasing in time and R per
// second; what happens is a function of the seed and the slot alone; about one endpoint in
// eight hosts the adversary; the processes alive at a moment started before it and end after it,
// their parents are alive too, their number stays realistic at any rate, and the list changes
// over time.
import { describe, expect, it } from "vitest";
import { makeProfile } from "@/engine/client/pool/profiles";
import { syntheticProcesses } from "@/engine/client/pool/processes";
import { findProfile, isLinux, isWindows } from "@/engine/client/pool/testdata/endpoints";
import { EndpointActivity, hostsAdversary } from "./activity";
import { Slots } from "./slots";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

describe("Slots", () => {
  it("are strictly increasing, lastAt() inverts timeOf(), and a second holds R of them", () => {
    for (const rate of [0.5, 1, 37, 1000]) {
      const s = new Slots(12345, rate);
      const k0 = s.lastAt(NOW);
      expect(s.timeOf(k0)).toBeLessThanOrEqual(NOW);
      expect(s.timeOf(k0 + 1)).toBeGreaterThan(NOW);
      for (let k = k0; k < k0 + 200; k++) {
        expect(s.timeOf(k + 1)).toBeGreaterThan(s.timeOf(k));
        expect(s.lastAt(s.timeOf(k))).toBe(k);
      }
      const seconds = 20;
      const n = s.lastAt(NOW + seconds * 1000) - s.lastAt(NOW);
      expect(Math.abs(n - rate * seconds)).toBeLessThanOrEqual(1);
    }
  });
});

describe("EndpointActivity", () => {
  it("is a function of the seed and the slot: rebuilt, it says the same; another endpoint differs", () => {
    const p = findProfile("activity", isWindows);
    const a = new EndpointActivity(p, 5);
    const b = new EndpointActivity(makeProfile("activity", p.index), 5);
    const other = new EndpointActivity(makeProfile("activity", p.index + 1), 5);
    const k0 = a.slots.lastAt(NOW);
    for (let k = k0; k < k0 + 300; k++) expect(b.at(k)).toEqual(a.at(k));
    let same = 0;
    for (let k = k0; k < k0 + 300; k++) if (JSON.stringify(other.at(k)) === JSON.stringify(a.at(k))) same++;
    expect(same).toBe(0);
  });

  it("about one endpoint in eight hosts the adversary, never a Mac, and only those have its activity", () => {
    const profiles = Array.from({ length: 800 }, (_, i) => makeProfile("activity", i));
    const hosts = profiles.filter(hostsAdversary);
    expect(hosts.length).toBeGreaterThan(60);
    expect(hosts.length).toBeLessThan(140);
    expect(hosts.some((p) => p.os === "darwin")).toBe(false);
    for (const p of profiles.slice(0, 60)) {
      const e = new EndpointActivity(p, 10);
      const k0 = e.slots.lastAt(NOW);
      let adversarial = 0;
      for (let k = k0; k < k0 + 2000; k++) if (e.at(k).adversary) adversarial++;
      if (hostsAdversary(p)) expect(adversarial).toBeGreaterThan(0);
      else expect(adversarial).toBe(0);
    }
  });

  for (const [what, pick] of [["Windows", isWindows], ["Linux", isLinux]] as const) {
    it(`${what}: alive processes started before and end after the moment, with parents in the same process list`, () => {
      const p = findProfile("alive", (x) => pick(x) && hostsAdversary(x));
      for (const rate of [1, 50, 1000]) {
        const e = new EndpointActivity(p, rate);
        const alive = e.alive(NOW);
        const pids = new Set([...syntheticProcesses(p)].map((x) => x.Pid).concat(alive.map((x) => x.pid)));
        expect(alive.length).toBeGreaterThan(0);
        expect(alive.length).toBeLessThan(400);
        for (const proc of alive) {
          expect(proc.start).toBeLessThanOrEqual(NOW);
          expect(proc.end).toBeGreaterThan(NOW);
          expect(pids.has(proc.ppid), `${proc.name} ${proc.pid} has parent ${proc.ppid}`).toBe(true);
        }
        expect(new Set(alive.map((x) => x.pid)).size).toBe(alive.length);
      }
    });
  }

  it("the process list changes over time: a minute later some processes have gone and others started", () => {
    const e = new EndpointActivity(findProfile("alive", isLinux), 1);
    const before = new Set(e.alive(NOW).map((x) => x.pid));
    const after = e.alive(NOW + 60_000);
    expect(after.some((x) => !before.has(x.pid) && x.start > NOW)).toBe(true);
    expect([...before].some((pid) => !after.some((x) => x.pid === pid))).toBe(true);
  });
});
