// efivariables() over an efivarfs directory built from the UEFI specification
// (testdata/efivars.ts): rows as Velociraptor's Linux efivariables() gives them (Namespace in
// braces, Name, Value null unless value=TRUE, then the file's bytes with the 4 attribute bytes
// first), exact namespace and name filters, file-name order; the corpus's
// Generic.System.EfiSignatures Hashes source reads the dbx hashes back; no efivarfs logs an error.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bytes, bytesOf, runVql } from "@/engine/vql";

type ByteString = string | Bytes;
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { createSyntheticSystem } from "@/engine/client/pool/system";
import { makeProfile } from "@/engine/client/pool/profiles";
import { corpusArtifact } from "@/engine/client/pool/testdata/artifact-runner";
import { agentRegistry } from ".";
import { DBX_HASHES, EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, FIXTURE, MICROSOFT_OWNER, writeEfivarsFixture } from "./testdata/efivars";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "talon-efivars-"));
  writeEfivarsFixture(join(dir, "efivars"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, unknown>;

async function run(vql: string, root = join(dir, "efivars"), system = createLinuxSystem({ efivarsRoot: root })): Promise<{ rows: Row[]; logs: string[] }> {
  const rows: Row[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: agentRegistry(), host: { system } })) {
    if (e.kind === "row") rows.push(Object.fromEntries(e.row.entries()) as Row);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

const GLOBAL = `{${EFI_GLOBAL_VARIABLE}}`;
const DB = `{${EFI_IMAGE_SECURITY_DATABASE}}`;

describe("efivariables()", () => {
  it("lists every variable in file-name order, Value null, skipping files without a GUID", async () => {
    const { rows } = await run("SELECT * FROM efivariables()");
    expect(rows).toEqual([
      { Namespace: GLOBAL, Name: "Boot0001", Value: null },
      { Namespace: GLOBAL, Name: "BootCurrent", Value: null },
      { Namespace: GLOBAL, Name: "BootOrder", Value: null },
      { Namespace: GLOBAL, Name: "SecureBoot", Value: null },
      { Namespace: DB, Name: "dbx", Value: null },
    ]);
  });

  it("filters by exact namespace and name; value=TRUE reads attributes then data", async () => {
    expect((await run(`SELECT Name FROM efivariables(namespace='${DB}')`)).rows).toEqual([{ Name: "dbx" }]);
    expect((await run(`SELECT Name FROM efivariables(namespace='${DB.toUpperCase()}')`)).rows).toEqual([]);
    const { rows } = await run(`SELECT * FROM efivariables(namespace='${GLOBAL}', name='SecureBoot', value=TRUE)`);
    expect(rows).toHaveLength(1);
    // Attributes BOOTSERVICE_ACCESS|RUNTIME_ACCESS = 6 (little-endian uint32), then SecureBoot = 1.
    expect([...bytesOf(rows[0]!.Value as ByteString)]).toEqual([6, 0, 0, 0, 1]);
    const order = await run(`SELECT Value FROM efivariables(name='BootOrder', value=TRUE)`);
    // NV|BS|RT = 7, then the uint16 list 0x0001, 0x0000.
    expect([...bytesOf(order.rows[0]!.Value as ByteString)]).toEqual([7, 0, 0, 0, 1, 0, 0, 0]);
    const boot = await run(`SELECT Value FROM efivariables(name='Boot0001', value=TRUE)`);
    expect(Buffer.from(bytesOf(boot.rows[0]!.Value as ByteString)).equals(FIXTURE[`Boot0001-${EFI_GLOBAL_VARIABLE}`]!)).toBe(true);
  });

  it("the corpus Generic.System.EfiSignatures Hashes source reads the dbx's SHA-256 entries", async () => {
    const a = corpusArtifact("Generic.System.EfiSignatures");
    const hashes = a.sources.find((s) => s.name === "Hashes")!;
    const { rows, logs } = await run(`${a.export!.text}\n${hashes.query!.text}`);
    expect(rows.slice(0, 3), logs.join("\n")).toEqual(DBX_HASHES.map((h) => ({ Name: "dbx", Owner: `{${MICROSOFT_OWNER}}`, Hash: h.toString("hex") })));
    // The artifact's HashList reads on past the list's end (its sentinel compares Owner with
    // '{00000000-0000-0000-0000-000000000000}', which its own GUID format never produces from
    // missing bytes: the 2- and 6-byte parts format as "00"), up to the Array's 1000 entries.
    expect(rows.slice(3).every((r) => r.Owner !== `{${MICROSOFT_OWNER}}`)).toBe(true);
  });

  it("without efivarfs logs an error and gives no rows; a pooled endpoint has no UEFI variables", async () => {
    const missing = await run("SELECT * FROM efivariables()", join(dir, "no-such-dir"));
    expect(missing.rows).toEqual([]);
    expect(missing.logs.some((l) => l.startsWith("ERROR efivariables: ENOENT"))).toBe(true);
    const pooled = await run("SELECT * FROM efivariables()", "", createSyntheticSystem(makeProfile("efi", 0), { rate: 0 }));
    expect(pooled.rows).toEqual([]);
    expect(pooled.logs).toContain("ERROR efivariables: this endpoint has no UEFI variables to read");
  });
});
