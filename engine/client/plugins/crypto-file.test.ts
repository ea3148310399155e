// write_crypto_file() on the agent: the query's rows are passed on and written in sealed batches
// (every max_rows rows, the rest at the end, at least every max_wait seconds), the file starts
// again before a batch that would take it past max_size, an existing file is appended to, and
// without the server's key nothing is written and the error says why. Expected values from the
// format (engine/endpoint/crypto-file/format.ts) and Velociraptor's documented arguments.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "@/engine/vql";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import type { ProcessDiagnostics } from "@/engine/endpoint/diagnostics/diagnostics";
import { decodeRows, frames, newServerKeyPair, openFrame } from "@/engine/endpoint/crypto-file/format";
import { writeCryptoFilePlugin } from "./crypto-file";

const registry = createRegistry([...portableBuiltins, writeCryptoFilePlugin]);
const pair = newServerKeyPair();
const dir = mkdtempSync(join(tmpdir(), "talon-crypto-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const system = createLinuxSystem();

async function run(vql: string, key = pair.publicKey) {
  const diagnostics: Partial<ProcessDiagnostics> = { component: "client", serverPublicKey: () => key };
  const out: { rows: unknown[]; logs: string[] } = { rows: [], logs: [] };
  for await (const e of runVql(vql, { registry, host: { system, diagnostics } })) {
    if (e.kind === "row") out.rows.push(toJsonValue(e.row));
    if (e.kind === "log" && e.level !== "DEBUG") out.logs.push(`${e.level} ${e.message}`);
  }
  return out;
}

async function batches(path: string): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for await (const f of frames([readFileSync(path)])) out.push(decodeRows(openFrame(f, pair)));
  return out;
}

describe("write_crypto_file()", () => {
  it("passes the rows on and writes them in batches of max_rows, the rest at the end", async () => {
    const file = join(dir, "batches.log");
    const r = await run(`SELECT * FROM write_crypto_file(filename='${file}', max_rows=2, query={ SELECT _value AS N, 'x' AS S FROM range(end=5) })`);
    expect(r).toEqual({ rows: [0, 1, 2, 3, 4].map((N) => ({ N, S: "x" })), logs: [] });
    expect(await batches(file)).toEqual([[{ N: 0, S: "x" }, { N: 1, S: "x" }], [{ N: 2, S: "x" }, { N: 3, S: "x" }], [{ N: 4, S: "x" }]]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("appends to a file that is already there", async () => {
    const file = join(dir, "append.log");
    await run(`SELECT * FROM write_crypto_file(filename='${file}', query={ SELECT 1 AS A FROM scope() })`);
    await run(`SELECT * FROM write_crypto_file(filename='${file}', query={ SELECT 2 AS A FROM scope() })`);
    expect(await batches(file)).toEqual([[{ A: 1 }], [{ A: 2 }]]);
  });

  it("starts the file again before a batch that would take it past max_size", async () => {
    const file = join(dir, "rotate.log");
    // One row a batch: {"N":n}\n is 8 bytes, each frame 8 + 76 = 84 bytes; max_size 200 holds two.
    const r = await run(`SELECT * FROM write_crypto_file(filename='${file}', max_rows=1, max_size=200, query={ SELECT _value AS N FROM range(end=5) })`);
    expect(r.rows).toHaveLength(5);
    expect(statSync(file).size).toBe(84);
    expect(await batches(file)).toEqual([[{ N: 4 }]]);
    const r2 = await run(`SELECT * FROM write_crypto_file(filename='${join(dir, "rotate2.log")}', max_rows=1, max_size=200, query={ SELECT _value AS N FROM range(end=4) })`);
    expect(r2.rows).toHaveLength(4);
    expect(await batches(join(dir, "rotate2.log"))).toEqual([[{ N: 2 }], [{ N: 3 }]]);
  });

  it("flushes every max_wait seconds while rows are slow to come", async () => {
    const file = join(dir, "wait.log");
    let seenMidway: unknown[][] = [];
    const q = run(`SELECT * FROM write_crypto_file(filename='${file}', max_rows=1000, max_wait=1, query={ SELECT _value AS N FROM range(end=2) WHERE sleep(ms=1500) })`);
    await new Promise((r) => setTimeout(r, 2200));
    // After the first row (1.5 s) and the timer's tick (2 s): that row is on disk already.
    if (existsSync(file)) seenMidway = await batches(file);
    await q;
    expect(seenMidway).toEqual([[{ N: 0 }]]);
    expect(await batches(file)).toEqual([[{ N: 0 }], [{ N: 1 }]]);
  }, 10_000);

  it("writes nothing without the server's key, and says why", async () => {
    const file = join(dir, "nokey.log");
    const r = await run(`SELECT * FROM write_crypto_file(filename='${file}', query={ SELECT 1 AS A FROM scope() })`, "");
    expect(r).toEqual({ rows: [], logs: ["ERROR write_crypto_file: this agent has no server public key yet (a Talon server sends it when the agent connects)"] });
    expect(existsSync(file)).toBe(false);
    const bad = await run(`SELECT * FROM write_crypto_file(filename='${file}', query={ SELECT 1 AS A FROM scope() })`, Buffer.from("not a key").toString("base64"));
    expect(bad.logs).toEqual(["ERROR write_crypto_file: the server public key is not a valid SPKI key"]);
  });

  it("reports a file it cannot write", async () => {
    writeFileSync(join(dir, "plain"), "x");
    const r = await run(`SELECT * FROM write_crypto_file(filename='${join(dir, "plain", "under-a-file.log")}', query={ SELECT 1 AS A FROM scope() })`);
    expect(r.rows).toEqual([{ A: 1 }]);
    expect(r.logs).toEqual([expect.stringMatching(/^ERROR write_crypto_file: .*under-a-file\.log: /)]);
  });
});
