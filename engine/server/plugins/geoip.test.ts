// geoip() over MaxMind databases written by the test's own writer (testdata/mmdb-writer.ts,
// after MaxMind's format spec), so every expected value is the record the test put there:
// Server.Enrichment.GeoIP's and GeoIPISP's lookups, IPv4 in an IPv6 tree, no record, a bad
// address, a missing or unreadable database (logged once per query), FILESYSTEM_READ and the
// server's protected paths.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { permissionsOf } from "@/engine/server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "../../vql";
import { serverEndpointSystem, withEndpointBuiltins } from "./endpoint";
import type { ServerVqlHost } from "./host";
import { admin } from "./testing";
import { writeMmdb } from "./testdata/mmdb-writer";

const dataDir = mkdtempSync(join(tmpdir(), "talon-geoip-data-"));
const dir = mkdtempSync(join(tmpdir(), "talon-geoip-"));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

const LONDON = {
  city: { geoname_id: 2643743, names: { en: "London", de: "London" } },
  country: { geoname_id: 2635167, iso_code: "GB", names: { en: "United Kingdom", de: "Vereinigtes Königreich" }, is_in_european_union: false },
  location: { latitude: { double: 51.5142 }, longitude: { double: -0.0931 }, accuracy_radius: 10 },
  subdivisions: [{ iso_code: "ENG", names: { en: "England" } }],
};
const SYDNEY = { city: { names: { en: "Sydney" } }, country: { iso_code: "AU", names: { en: "Australia" } } };
const city = join(dir, "GeoLite2-City.mmdb");
writeFileSync(
  city,
  writeMmdb({
    ipVersion: 6,
    databaseType: "GeoLite2-City",
    networks: [
      ["81.2.69.0/24", LONDON],
      ["2001:db8:1::/48", SYDNEY],
    ],
  }),
);
const isp = join(dir, "GeoIP2-ISP.mmdb");
writeFileSync(
  isp,
  writeMmdb({
    ipVersion: 4,
    databaseType: "GeoIP2-ISP",
    networks: [["1.128.0.0/11", { autonomous_system_number: 1221, autonomous_system_organization: "Telstra Pty Ltd", isp: "Telstra Internet", organization: "Telstra Internet" }]],
  }),
);
writeFileSync(join(dir, "broken.mmdb"), "not a database");
mkdirSync(join(dataDir, "geo"));
writeFileSync(join(dataDir, "geo", "city.mmdb"), writeMmdb({ ipVersion: 4, databaseType: "x", networks: [["81.2.69.0/24", LONDON]] }));

const registry = createRegistry(withEndpointBuiltins(portableBuiltins));
const system = serverEndpointSystem({ dataDir });

async function run(vql: string, env: Record<string, unknown> = {}, principal: Principal = admin) {
  const host: ServerVqlHost = { principal, services: {} as ServerVqlHost["services"], system };
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry, host, env, permissions: principal.permissions })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

describe("geoip()", () => {
  it("answers Server.Enrichment.GeoIP's Country, State and City for each address", async () => {
    const r = await run(
      `LET Country(IP) = geoip(db=DB, ip=IP).country.names.en
       LET State(IP) = geoip(db=DB, ip=IP).subdivisions[0].names.en
       LET City(IP) = geoip(db=DB, ip=IP).city.names.en
       SELECT _value AS IP, Country(IP=_value) AS Country, State(IP=_value) AS State, City(IP=_value) AS City FROM foreach(row=IPs)`,
      { DB: city, IPs: ["81.2.69.160", "81.2.69.0", "81.2.70.1", "2001:db8:1::7"] },
    );
    expect(r.rows).toEqual([
      { IP: "81.2.69.160", Country: "United Kingdom", State: "England", City: "London" },
      { IP: "81.2.69.0", Country: "United Kingdom", State: "England", City: "London" },
      // 81.2.70.1 is outside 81.2.69.0/24: no record.
      { IP: "81.2.70.1", Country: null, State: null, City: null },
      { IP: "2001:db8:1::7", Country: "Australia", State: null, City: "Sydney" },
    ]);
    expect(r.logs).toEqual([]);
  });

  it("returns the whole record as a dict, numbers and booleans included", async () => {
    const r = await run(`SELECT geoip(db='${city}', ip='81.2.69.142') AS G FROM scope()`);
    expect(r.rows).toEqual([
      {
        G: {
          city: { geoname_id: 2643743, names: { en: "London", de: "London" } },
          country: { geoname_id: 2635167, iso_code: "GB", names: { en: "United Kingdom", de: "Vereinigtes Königreich" }, is_in_european_union: false },
          location: { latitude: 51.5142, longitude: -0.0931, accuracy_radius: 10 },
          subdivisions: [{ iso_code: "ENG", names: { en: "England" } }],
        },
      },
    ]);
  });

  it("answers Server.Enrichment.GeoIPISP's ISP, organization and ASN", async () => {
    const r = await run(
      `SELECT geoip(db='${isp}', ip=_value).isp AS ISP, geoip(db='${isp}', ip=_value).organization AS Organization,
              geoip(db='${isp}', ip=_value).autonomous_system_number AS ASN, geoip(db='${isp}', ip=_value).autonomous_system_organization AS ASO
       FROM foreach(row=['1.159.255.255', '1.160.0.0'])`,
    );
    // 1.128.0.0/11 spans 1.128.0.0 to 1.159.255.255.
    expect(r.rows).toEqual([
      { ISP: "Telstra Internet", Organization: "Telstra Internet", ASN: 1221, ASO: "Telstra Pty Ltd" },
      { ISP: null, Organization: null, ASN: null, ASO: null },
    ]);
  });

  it("an invalid address is NULL with an ERROR line", async () => {
    const r = await run(`SELECT geoip(db='${city}', ip='not-an-ip') AS G FROM scope()`);
    expect(r.rows).toEqual([{ G: null }]);
    expect(r.logs).toEqual(["ERROR geoip: invalid IP not-an-ip"]);
  });

  it("a database that cannot be opened is NULL, logged once per query however often it is called", async () => {
    const missing = await run(`SELECT geoip(db='${dir}/nope.mmdb', ip='81.2.69.1') AS G FROM range(end=3)`);
    expect(missing.rows).toEqual([{ G: null }, { G: null }, { G: null }]);
    expect(missing.logs.length).toBe(1);
    expect(missing.logs[0]).toMatch(/^ERROR geoip: .*nope\.mmdb/);
    const broken = await run(`SELECT geoip(db='${dir}/broken.mmdb', ip='81.2.69.1') AS G FROM range(end=2)`);
    expect(broken.rows).toEqual([{ G: null }, { G: null }]);
    expect(broken.logs.length).toBe(1);
  });

  it("needs FILESYSTEM_READ (an analyst has none) and never reads the server's data directory", async () => {
    const analyst: Principal = { userId: "b", username: "bob", role: "analyst", permissions: permissionsOf("analyst"), via: "session" };
    const denied = await run(`SELECT geoip(db='${city}', ip='81.2.69.1') AS G FROM scope()`, {}, analyst);
    expect(denied.rows.filter((x) => x.G !== null && x.G !== undefined)).toEqual([]);
    expect(denied.logs.join("\n")).toMatch(/FILESYSTEM_READ/);
    const guarded = await run(`SELECT geoip(db='${dataDir}/geo/city.mmdb', ip='81.2.69.1') AS G FROM scope()`);
    expect(guarded.rows).toEqual([{ G: null }]);
    expect(guarded.logs.join("\n")).toMatch(/refused to read .*city\.mmdb: it is the server's data directory/);
  });
});
