// Every server builtin through a query worker: its service calls cross the port (the RPC), with
// the principal the run was started as, values surviving the trip (Dates, dicts, Timestamps),
// streams (watch_monitoring) and handles (forward_alerts' checkpoint) included.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadArtifact } from "@/engine/artifacts";
import { toJsonValue, type VqlEvent } from "@/engine/vql";
import type { Principal, QueryService, VqlServices } from "@/engine/server/contracts";
import { permissionsOf } from "@/engine/server/auth/roles";
import { admin, CASES, DEF, LIFE_CLOUD, standInEngine, startStandInSmtp } from "@/engine/server/plugins/testing";
import { encodeRows, newServerKeyPair, sealFrame } from "@/engine/endpoint/crypto-file/format";
import { FakeCloud } from "@/engine/server/plugins/uploads/fake-cloud";
import { generateKeyPairSync } from "node:crypto";
import { isolationFromEnv } from "./config";
import { startQueries } from "../runner";

async function firstRow(events: AsyncIterable<VqlEvent>) {
  const errors: string[] = [];
  for await (const e of events) {
    if (e.kind === "log" && e.level === "ERROR") errors.push(e.message);
    if (e.kind === "row") return { row: toJsonValue(e.row), errors };
  }
  return { row: undefined, errors };
}

describe("server builtins in a query worker", () => {
  const stop = new AbortController();
  let queries: QueryService;
  let services: VqlServices;
  let receiver: Server;
  let Receiver = "";
  let stopSmtp: () => Promise<void> = async () => {};
  const seen: Array<{ method: string; actor: Principal }> = [];
  const allowBefore = process.env.TALON_HTTP_CLIENT_ALLOW;
  // import_collection() reads this file on the worker's host (the stand-in service ignores its bytes).
  const dir = mkdtempSync(join(tmpdir(), "talon-rpc-"));
  const Container = join(dir, "offline.zip");
  // upload_s3(), upload_gcs() and adx_upload() talk to this fake cloud (GCS through STORAGE_EMULATOR_HOST).
  const cloudKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const cloud = new FakeCloud({ s3: LIFE_CLOUD.s3, adx: LIFE_CLOUD.adx, gcs: { publicKey: cloudKeys.publicKey, clientEmail: LIFE_CLOUD.gcsEmail } });
  let Cloud = "";
  let GCSKey = "";

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(204, { connection: "close" }).end());
    });
    writeFileSync(Container, "PK");
    // read_crypto_file() reads sealed batches beside it (the stand-in service opens each).
    const lifeKey = newServerKeyPair();
    writeFileSync(join(dir, "life.crypt"), Buffer.concat([sealFrame(encodeRows(['{"N":1}']), lifeKey.publicKey)]));
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
    Receiver = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    await cloud.start();
    Cloud = cloud.base;
    GCSKey = JSON.stringify({ type: "service_account", private_key: cloudKeys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), client_email: LIFE_CLOUD.gcsEmail, token_uri: `${cloud.base}/gcs/token` });
    // Workers copy the environment when they start.
    process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
    process.env.STORAGE_EMULATOR_HOST = cloud.base;
    stopSmtp = await startStandInSmtp();
    services = standInEngine(false);
    // Record which principal the main thread hands to the clients service.
    const clients = services.clients as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const m of Object.keys(clients)) {
      const real = clients[m]!;
      clients[m] = (actor: unknown, ...rest: unknown[]) => {
        seen.push({ method: m, actor: actor as Principal });
        return real(actor, ...rest);
      };
    }
    const artifact = loadArtifact(DEF).artifact!;
    queries = startQueries(
      {
        artifacts: { all: () => [artifact], get: () => artifact, pluginFor: () => undefined },
        services,
        journal: { append: async () => [] },
        isolation: { ...isolationFromEnv({}), workers: 1, maxWorkers: 4 },
      },
      stop.signal,
    );
  });
  afterAll(async () => {
    stop.abort();
    if (allowBefore === undefined) delete process.env.TALON_HTTP_CLIENT_ALLOW;
    else process.env.TALON_HTTP_CLIENT_ALLOW = allowBefore;
    await new Promise((r) => receiver.close(r));
    await stopSmtp();
    delete process.env.STORAGE_EMULATOR_HOST;
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, vql] of Object.entries(CASES)) {
    it(`${name} gives a row with no error`, async () => {
      const { row, errors } = await firstRow(queries.run(vql, { principal: admin, env: { Def: DEF, Receiver, Container, Cloud, GCSKey, Hang: false } }));
      expect(errors).toEqual([]);
      expect(row).toBeDefined();
    });
  }

  it("the service sees the run's principal, whatever the query passes", async () => {
    seen.length = 0;
    const bob: Principal = { userId: "b", username: "bob", role: "investigator", permissions: permissionsOf("investigator"), via: "session" };
    await firstRow(queries.run("SELECT client_info(client_id='C.0123456789abcdef') AS C FROM scope()", { principal: bob }));
    expect(seen.map((s) => [s.method, s.actor.username, s.actor.permissions instanceof Set])).toEqual([["get", "bob", true]]);
    expect(seen[0]!.actor).toBe(bob);
  });

  it("values come back with their types: dicts, timestamps, bytes and nested lists", async () => {
    const { row } = await firstRow(
      queries.run("SELECT dict(a=1, b=[1, 'x', dict(c=TRUE)]) AS D, timestamp(epoch=1700000000) AS T, typeof(x=timestamp(epoch=1)) AS TT, format(format='%T', args=dict(a=1)) AS DT FROM scope()", { principal: admin }),
    );
    expect(row).toEqual({ D: { a: 1, b: [1, "x", { c: true }] }, T: "2023-11-14T22:13:20Z", TT: "time.Time", DT: "*ordereddict.Dict" });
  });

  it("watch_monitoring() streams the journal's events in order, with credit", async () => {
    const rows: unknown[] = [];
    for await (const e of queries.run("SELECT N FROM watch_monitoring(artifact='Custom.Life') LIMIT 3000", { principal: admin })) if (e.kind === "row") rows.push(toJsonValue(e.row));
    expect(rows.length).toBe(3000);
    expect(rows.slice(0, 3)).toEqual([{ N: 0 }, { N: 1 }, { N: 2 }]);
    expect(rows[2999]).toEqual({ N: 2999 });
  });
});
