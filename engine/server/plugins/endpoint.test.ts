// The endpoint builtins on the server (plugins/endpoint.ts): the agent's implementations over
// this machine, each behind its Velociraptor permission, with the server's data directory and
// the host's secrets refused; descriptors reviewed in a golden file; STYLE §6 break and abort.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { permissionsOf } from "@/engine/server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";
import { leftOpen, lifecycleTracker, openResources } from "../../vql/testdata/lifecycle";
import { createRegistry, describeBuiltins, portableBuiltins, runVql, toJsonValue } from "../../vql";
import { serverEndpointBuiltins, serverEndpointSystem, withEndpointBuiltins } from "./endpoint";
import type { ServerVqlHost } from "./host";
import { admin } from "./testing";
import { descriptorProblems, goldenDescriptors } from "./testdata/descriptor-lint";
import { writeMmdb } from "./testdata/mmdb-writer";

const dataDir = mkdtempSync(join(tmpdir(), "talon-server-data-"));
const elsewhere = mkdtempSync(join(tmpdir(), "talon-server-files-"));
mkdirSync(join(dataDir, "keys"));
writeFileSync(join(dataDir, "keys", "server.key"), "secret");
writeFileSync(join(elsewhere, "notes.txt"), "hello server\n");
writeFileSync(join(elsewhere, "city.mmdb"), writeMmdb({ ipVersion: 4, databaseType: "GeoLite2-City", networks: [["192.0.2.0/24", { city: { names: { en: "Testville" } } }]] }));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

const analyst: Principal = { userId: "b", username: "bob", role: "analyst", permissions: permissionsOf("analyst"), via: "session" };
const system = serverEndpointSystem({ dataDir });
const { finished, tracked } = lifecycleTracker();
const registry = createRegistry(withEndpointBuiltins(portableBuiltins).map((b) => (serverEndpointBuiltins.includes(b) ? tracked(b) : b)));

async function run(vql: string, o: { principal?: Principal; system?: EndpointSystem; signal?: AbortSignal } = {}) {
  const principal = o.principal ?? admin;
  const host: ServerVqlHost = { principal, services: {} as ServerVqlHost["services"], system: o.system ?? system };
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry, host, permissions: principal.permissions, signal: o.signal })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

describe("endpoint builtins on the server", () => {
  it("are documented, server-only, and declare Velociraptor's permissions (golden: __golden__/endpoint-descriptors.golden.json)", () => {
    const descriptors = describeBuiltins(serverEndpointBuiltins);
    expect(descriptorProblems(descriptors)).toEqual([]);
    expect(Object.fromEntries(descriptors.map((d) => [`${d.kind}:${d.name}`, d.permissions]))).toEqual({
      "plugin:glob": ["FILESYSTEM_READ"],
      "plugin:stat": ["FILESYSTEM_READ"],
      "function:read_file": ["FILESYSTEM_READ"],
      "function:hash": ["FILESYSTEM_READ"],
      "function:tlsh_hash": ["FILESYSTEM_READ"],
      "function:geoip": ["FILESYSTEM_READ"],
      "plugin:info": ["MACHINE_STATE"],
      "plugin:pslist": ["MACHINE_STATE"],
      "plugin:execve": ["EXECVE"],
      "plugin:index": ["FILESYSTEM_WRITE"],
      "plugin:index_search": ["FILESYSTEM_READ"],
    });
    const { stored, now } = goldenDescriptors(serverEndpointBuiltins, "endpoint-descriptors.golden.json");
    expect(now).toBe(stored);
  });

  it("read this machine for an administrator", async () => {
    const g = await run(`SELECT Name, Size FROM glob(globs='*.txt', root='${elsewhere}')`);
    expect(g.rows).toEqual([{ Name: "notes.txt", Size: 13 }]);
    expect((await run(`SELECT read_file(filename='${elsewhere}/notes.txt') AS D FROM scope()`)).rows).toEqual([{ D: "hello server\n" }]);
    expect((await run(`SELECT Pid FROM pslist(pid=${process.pid})`)).rows).toEqual([{ Pid: process.pid }]);
    expect((await run("SELECT Stdout FROM execve(argv=['echo', 'hi'])")).rows).toEqual([{ Stdout: "hi\n" }]);
  });

  it("are refused without the permission (an analyst has neither FILESYSTEM_READ, MACHINE_STATE nor EXECVE)", async () => {
    for (const vql of [`SELECT * FROM glob(globs='${elsewhere}/*')`, "SELECT * FROM pslist()", "SELECT * FROM execve(argv=['id'])", `SELECT read_file(filename='${elsewhere}/notes.txt') AS D FROM scope()`]) {
      const r = await run(vql, { principal: analyst });
      expect(r.rows.filter((x) => Object.values(x).some((v) => v !== null))).toEqual([]);
      expect(r.logs.join("\n")).toMatch(/FILESYSTEM_READ|MACHINE_STATE|EXECVE/);
    }
  });

  it("never read the server's data directory or the host's password hashes", async () => {
    const g = await run(`SELECT OSPath FROM glob(globs='**', root='${dataDir}')`);
    expect(g.rows).toEqual([]);
    const r = await run(`SELECT read_file(filename='${dataDir}/keys/server.key') AS D, read_file(filename='/etc/shadow') AS S FROM scope()`);
    expect(r.rows).toEqual([{ D: null, S: null }]);
    expect(r.logs.join("\n")).toMatch(/refused to read .*server\.key: it is the server's data directory/);
    expect(r.logs.join("\n")).toMatch(/refused to read \/etc\/shadow: it is the server host's password hashes/);
  });
});

describe("index() and index_search() on the server's host", () => {
  it("index rows into a file and search them for an administrator; an analyst has neither FILESYSTEM_WRITE nor FILESYSTEM_READ", async () => {
    const f = `${elsewhere}/hosts.idx`;
    const made = await run(`SELECT * FROM index(query={ SELECT * FROM foreach(row=[dict(Host='alpha web'), dict(Host='beta db')]) }, output='${f}', purge=TRUE, silent=TRUE)`);
    expect(made).toEqual({ rows: [], logs: [] });
    expect((await run(`SELECT * FROM index_search(path='${f}', search='Host:web')`)).rows).toEqual([{ Host: "alpha web" }]);
    const w = await run(`SELECT * FROM index(query={ SELECT 1 AS a FROM scope() }, output='${elsewhere}/analyst.idx')`, { principal: analyst });
    expect(w.logs.join("\n")).toMatch(/FILESYSTEM_WRITE/);
    const r = await run(`SELECT * FROM index_search(path='${f}', search='web')`, { principal: analyst });
    expect(r.rows).toEqual([]);
    expect(r.logs.join("\n")).toMatch(/FILESYSTEM_READ/);
  });

  it("never write an index into the server's data directory", async () => {
    const r = await run(`SELECT * FROM index(query={ SELECT 1 AS a FROM scope() }, output='${dataDir}/x.idx')`);
    expect(r.rows).toEqual([]);
    expect(r.logs.join("\n")).toMatch(/ERROR index: .*server's data directory/);
  });
});

/** An endpoint where every call waits for ever and ignores the signal. */
function hangingSystem(): EndpointSystem {
  const never = <T>() => new Promise<T>(() => {});
  const hang = <T>(): AsyncIterable<T> => ({ [Symbol.asyncIterator]: () => ({ next: () => never<IteratorResult<T>>() }) });
  return {
    info: never,
    processes: hang,
    connections: hang,
    users: never,
    interfaces: never,
    uptime: never,
    fs: { glob: hang, stat: never, read: hang },
    execve: hang,
    writer: { tempDir: () => tmpdir(), open: never, mkdtemp: never, remove: never },
  };
}

const CASES: Record<string, string> = {
  glob: `SELECT * FROM glob(globs='**', root='${elsewhere}')`,
  stat: `SELECT * FROM stat(filename=['${elsewhere}/notes.txt', '${elsewhere}'])`,
  read_file: `SELECT read_file(filename='${elsewhere}/notes.txt') AS D FROM range(end=1000000)`,
  hash: `SELECT hash(path='${elsewhere}/notes.txt') AS H FROM range(end=1000000)`,
  tlsh_hash: `SELECT tlsh_hash(path='${elsewhere}/notes.txt') AS H FROM range(end=1000000)`,
  geoip: `SELECT geoip(ip='192.0.2.1', db='${elsewhere}/city.mmdb') AS G FROM range(end=1000000)`,
  info: "SELECT * FROM info()",
  pslist: "SELECT * FROM pslist()",
  execve: "SELECT * FROM execve(argv=['yes'], length=64)",
  index: `SELECT * FROM index(query={ SELECT * FROM range(end=1000000) }, output='${elsewhere}/life.idx', purge=TRUE, batch=100)`,
  index_search: `LET _ <= SELECT * FROM index(query={ SELECT * FROM range(end=300) }, output='${elsewhere}/search.idx', purge=TRUE, silent=TRUE)
  SELECT * FROM index_search(path='${elsewhere}/search.idx', search='*')`,
};

describe("endpoint builtins on the server: break and abort", () => {
  it("the table covers every one", () => {
    expect(Object.keys(CASES).sort()).toEqual(serverEndpointBuiltins.map((b) => b.name).sort());
  });
  for (const [name, vql] of Object.entries(CASES)) {
    it(`${name}(): one row, then break: the producer finished and nothing is left open`, async () => {
      const host: ServerVqlHost = { principal: admin, services: {} as ServerVqlHost["services"], system };
      for await (const e of runVql(vql, { registry, host, permissions: admin.permissions })) if (e.kind === "row") break;
      const before = openResources();
      finished.delete(name);
      let rows = 0;
      for await (const e of runVql(vql, { registry, host, permissions: admin.permissions })) {
        if (e.kind === "row") {
          rows++;
          break;
        }
      }
      expect(rows).toBe(1);
      expect(finished.has(name)).toBe(true);
      expect(await leftOpen(before)).toEqual({});
    });
    it(`${name}(): the query ends within 100 ms of an abort while the endpoint hangs`, async () => {
      const ac = new AbortController();
      let abortedAt = 0;
      setTimeout(() => {
        abortedAt = performance.now();
        ac.abort();
      }, 30);
      const r = await run(vql, { system: hangingSystem(), signal: ac.signal });
      expect(abortedAt).toBeGreaterThan(0);
      expect(performance.now() - abortedAt).toBeLessThan(100);
      expect(r.rows).toEqual([]);
    });
  }
});
