// STYLE §6 for every server builtin, table-driven, against a stand-in engine whose services
// either answer at once (endless pages of clients, flows and rows) or never answer:
// (1) consume one row and break: the builtin's producer finished (its finally ran) and no
// timers or sockets are left; (2) abort while a service call hangs: the query ends within
// 100 ms of the abort.
import { createServer, type Server } from "node:http";
import { leftOpen, lifecycleTracker, openResources } from "../../vql/testdata/lifecycle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql } from "../../vql";
import { serverBuiltins } from ".";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { admin, baseName, CASES, caseKey, DEF, LIFE_CLOUD, NEVER_WAIT, standInEngine, startStandInSmtp } from "./testing";
import { generateKeyPairSync } from "node:crypto";
import { FakeCloud } from "./uploads/fake-cloud";
import { serverEndpointSystem } from "./endpoint";
import { encodeRows, newServerKeyPair, sealFrame } from "@/engine/endpoint/crypto-file/format";

const { finished, tracked } = lifecycleTracker();
const registry = createRegistry([...portableBuiltins, ...serverBuiltins.map(tracked)]);


const runs: AbortController[] = [];
// import_collection() reads this file from the server's host (the stand-in service ignores its bytes).
const dir = mkdtempSync(join(tmpdir(), "talon-server-lifecycle-"));
const Container = join(dir, "offline.zip");
writeFileSync(Container, "PK");
// read_crypto_file() reads these sealed batches (the stand-in service opens each to 1000 rows).
const lifeKey = newServerKeyPair();
writeFileSync(join(dir, "life.crypt"), Buffer.concat(Array.from({ length: 50 }, () => sealFrame(encodeRows(['{"N":1}']), lifeKey.publicKey))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const system = serverEndpointSystem({});
afterAll(() => runs.forEach((c) => c.abort()));

// forward_alerts() posts to this receiver: loopback, allowed for this file only.
let receiver: Server;
let Receiver = "";
// mail()'s stand-in secret points at this SMTP server: loopback too.
let stopSmtp: () => Promise<void> = async () => {};
// upload_s3(), upload_gcs() and adx_upload() talk to this fake cloud (GCS through STORAGE_EMULATOR_HOST).
const cloudKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const cloud = new FakeCloud({ s3: LIFE_CLOUD.s3, adx: LIFE_CLOUD.adx, gcs: { publicKey: cloudKeys.publicKey, clientEmail: LIFE_CLOUD.gcsEmail } });
let Cloud = "";
let GCSKey = "";
const allowBefore = process.env.TALON_HTTP_CLIENT_ALLOW;
beforeAll(async () => {
  await cloud.start();
  Cloud = cloud.base;
  GCSKey = JSON.stringify({ type: "service_account", private_key: cloudKeys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), client_email: LIFE_CLOUD.gcsEmail, token_uri: `${cloud.base}/gcs/token` });
  process.env.STORAGE_EMULATOR_HOST = cloud.base;
  receiver = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(204, { connection: "close" }).end());
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  Receiver = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
  stopSmtp = await startStandInSmtp();
});
afterAll(async () => {
  if (allowBefore === undefined) delete process.env.TALON_HTTP_CLIENT_ALLOW;
  else process.env.TALON_HTTP_CLIENT_ALLOW = allowBefore;
  await new Promise((r) => receiver.close(r));
  await stopSmtp();
  delete process.env.STORAGE_EMULATOR_HOST;
  await cloud.stop();
});

it("the table covers every server builtin", () => {
  expect(Object.keys(CASES).sort()).toEqual(serverBuiltins.map((b) => caseKey(b, serverBuiltins)).sort());
});

describe("server builtins: one row, then break", () => {
  const engine = standInEngine(false);
  for (const [name, vql] of Object.entries(CASES)) {
    it(`${name}(): the producer finished and nothing is left open`, async () => {
      const before = openResources();
      finished.delete(baseName(name));
      let row: unknown;
      const logs: string[] = [];
      for await (const e of runVql(vql, { registry, env: { Def: DEF, Receiver, Container, Cloud, GCSKey, Hang: false }, permissions: admin.permissions, host: { principal: admin, services: engine, system } })) {
        if (e.kind === "log" && e.level === "ERROR") logs.push(e.message);
        if (e.kind === "row") {
          row = e.row;
          break;
        }
      }
      expect(logs).toEqual([]);
      expect(row).toBeDefined();
      expect(finished.has(baseName(name))).toBe(true);
      expect(await leftOpen(before)).toEqual({});
    });
  }
});

describe("server builtins: abort while a service call hangs", () => {
  const engine = standInEngine(true);
  beforeAll(() => void (cloud.stall = true));
  for (const [name, vql] of Object.entries(CASES)) {
    it(`${name}(): the query ends within 100 ms of the abort`, async () => {
      const ac = new AbortController();
      runs.push(ac);
      let abortedAt = 0;
      const abort = () => {
        abortedAt = performance.now();
        ac.abort();
      };
      // artifact_definitions() and import() read the repository in memory, whoami(), org(), orgs() and
      // help() answer from the run itself: they never await, so they are aborted before they
      // start, and must then yield nothing.
      if (NEVER_WAIT.has(name)) abort();
      else setTimeout(abort, 30);
      const kinds: string[] = [];
      for await (const e of runVql(vql, { registry, env: { Def: DEF, Receiver, Container, Cloud, GCSKey, Hang: true }, permissions: admin.permissions, host: { principal: admin, services: engine, system }, signal: ac.signal })) kinds.push(e.kind);
      expect(abortedAt).toBeGreaterThan(0);
      expect(performance.now() - abortedAt).toBeLessThan(100);
      expect(kinds).not.toContain("row");
    });
  }
});
