// collect() on this Linux machine: a built-in artifact with a parameter, and an artifact given
// in artifact_definitions that uploads a file, written to a container that fflate (an
// independent reader) opens. Expected values from the files on this machine (/etc/passwd) and
// Velociraptor's container layout (reporting/container.go, vql/tools/collector).
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import yauzl from "yauzl";
import { BlobReader, Uint8ArrayWriter, ZipReader, type FileEntry } from "@zip.js/zip.js";
import { afterAll, describe, expect, it } from "vitest";
import { runVql, toJsonValue } from "@/engine/vql";
import { artifactCallPlugin, loadArtifact, type Artifact } from "@/engine/artifacts";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { agentRegistry } from ".";
import { resultSet } from "./collect-container";

const dir = mkdtempSync(join(tmpdir(), "talon-collect-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const system = createLinuxSystem();
const users = loadArtifact(readFileSync(new URL("../../../artifacts/definitions/Linux/Sys/Users.yaml", import.meta.url), "utf8")).artifact!;
const byName = new Map<string, Artifact>([[users.name, users]]);
const resolvePlugin = (n: string) => artifactCallPlugin((x) => byName.get(x), n);

export async function runCollect(vql: string) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: agentRegistry(), host: { system }, resolvePlugin })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

const jsonl = (b: Uint8Array | undefined) =>
  strFromU8(b!)
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** /etc/passwd's root line, read here: the row Linux.Sys.Users gives for it. */
function rootFromPasswd() {
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("root:"))!;
  const [name, , uid, gid, gecos, home, shell] = line.split(":");
  return { Name: name, Uid: Number(uid), Gid: Number(gid), Description: gecos, Homedir: home, Shell: shell, Interactive: !/(nologin|false)$/.test(shell!) };
}

const UPLOADER = `
name: Custom.Uploader
parameters:
  - name: Path
sources:
  - name: Files
    query: SELECT upload(file=Path) AS Upload FROM scope()
  - name: Count
    query: SELECT count() AS N FROM range(end=3) GROUP BY 1
`;

describe("collect()", () => {
  it("writes a container of a built-in artifact's results with its parameter applied", async () => {
    const out = join(dir, "users.zip");
    const { rows, logs } = await runCollect(`SELECT * FROM collect(artifacts='Linux.Sys.Users', args=dict(\`Linux.Sys.Users\`=dict(NameRegex='^root$')), output='${out}')`);
    expect(rows).toEqual([{ Container: out, Error: null }]);
    expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    const zip = unzipSync(readFileSync(out));
    expect(Object.keys(zip).sort()).toEqual(
      ["client_info.json", "collection_context.json", "log.json", "log.json.index", "requests.json", "results/Linux.Sys.Users.json", "results/Linux.Sys.Users.json.index"].sort(),
    );
    expect(jsonl(zip["results/Linux.Sys.Users.json"])).toEqual([rootFromPasswd()]);
    // One little-endian int64 offset per row: the first row starts at 0.
    expect(Buffer.from(zip["results/Linux.Sys.Users.json.index"]!)).toEqual(Buffer.alloc(8));
    const context = JSON.parse(strFromU8(zip["collection_context.json"]!));
    expect(context.session_id).toMatch(/^F\.[A-Z2-7]{13}$/);
    expect(context.request.artifacts).toEqual(["Linux.Sys.Users"]);
    expect(context.request.specs).toEqual([{ artifact: "Linux.Sys.Users", parameters: { env: [{ key: "NameRegex", value: "^root$" }] } }]);
    expect(context.artifacts_with_results).toEqual(["Linux.Sys.Users"]);
    expect(context.total_collected_rows).toBe(1);
    expect(context.state).toBe(2);
    expect(context.total_uploaded_files).toBe(0);
    const requests = JSON.parse(strFromU8(zip["requests.json"]!));
    expect(requests.items[0].VQLClientAction.Query.map((q: { Name: string }) => q.Name)).toEqual(["Linux.Sys.Users"]);
    expect(jsonl(zip["log.json"]).map((l) => [l.level, l.message])).toEqual([
      ["DEFAULT", "Starting collection of Linux.Sys.Users\n"],
      ["DEFAULT", "Collected 1 rows for Linux.Sys.Users\n"],
    ]);
    expect(JSON.parse(strFromU8(zip["client_info.json"]!)).OS).toBe("linux");
  });

  it("stores upload() of a collected source under uploads/auto/<path> and lists it in uploads.json", async () => {
    const file = join(dir, "hello.txt");
    writeFileSync(file, "hello world");
    const out = join(dir, "upload.zip");
    const { rows, logs } = await runCollect(
      `SELECT * FROM collect(artifacts='Custom.Uploader', artifact_definitions='''${UPLOADER}''', args=dict(\`Custom.Uploader\`=dict(Path='${file}')), output='${out}', format='csv')`,
    );
    expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    expect(rows).toEqual([{ Container: out, Error: null }]);
    const zip = unzipSync(readFileSync(out));
    const member = ["uploads", "auto", ...file.split("/").filter(Boolean)].join("/");
    expect(strFromU8(zip[member]!)).toBe("hello world");
    const sha = createHash("sha256").update("hello world").digest("hex");
    const [result] = jsonl(zip["results/Custom.Uploader%2FFiles.json"]);
    expect(result.Upload).toEqual({
      Path: file,
      Size: 11,
      StoredSize: 11,
      sha256: sha,
      md5: createHash("md5").update("hello world").digest("hex"),
      StoredName: `/${member}`,
      Components: member.split("/"),
    });
    expect(jsonl(zip["results/Custom.Uploader%2FCount.json"])).toEqual([{ N: 3 }]);
    // format=csv: CSV beside the JSON, a header from the columns.
    expect(strFromU8(zip["results/Custom.Uploader%2FCount.csv"]!)).toBe("N\n3\n");
    const [u] = jsonl(zip["uploads.json"]);
    expect(u).toMatchObject({ vfs_path: file, _Components: member.split("/"), file_size: 11, uploaded_size: 11, Type: "" });
    expect(zip["uploads.json.index"]!.length).toBe(8);
    const context = JSON.parse(strFromU8(zip["collection_context.json"]!));
    expect(context.artifacts_with_results).toEqual(["Custom.Uploader/Files", "Custom.Uploader/Count"]);
    expect(context.total_uploaded_files).toBe(1);
    expect(context.total_uploaded_bytes).toBe(11);
    expect(context.total_collected_rows).toBe(2);
    expect(jsonl(zip["log.json"]).map((l) => l.message)).toContain(`Collecting file ${file} into /${member} (11 bytes)\n`);
  });

  it("passes the rows on with _Source when there is no output", async () => {
    const { rows } = await runCollect(`SELECT * FROM collect(artifacts='Custom.Uploader', artifact_definitions='''${UPLOADER}''', args=dict(\`Custom.Uploader\`=dict(Path='/nonexistent')))`);
    expect(rows.filter((r) => r._Source === "Custom.Uploader/Count")).toEqual([{ N: 3, _Source: "Custom.Uploader/Count" }]);
  });

  it("password: data.zip inside, stored and encrypted with WinZip AES-256, metadata.json beside it in the clear", async () => {
    const out = join(dir, "protected.zip");
    const { rows, logs } = await runCollect(
      `SELECT * FROM collect(artifacts='Linux.Sys.Users', args=dict(\`Linux.Sys.Users\`=dict(NameRegex='^root$')), output='${out}', password='s3cret', metadata={ SELECT 'x' AS Tag FROM scope() })`,
    );
    expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    expect(rows).toEqual([{ Container: out, Error: null }]);
    // yauzl (an independent reader) sees the outer archive: data.zip flagged encrypted, method 99
    // (AES) with the AE-x extra field 0x9901 saying strength 3 (AES-256) over method 0 (stored).
    const entries = await new Promise<Array<{ name: string; encrypted: boolean; method: number; aes?: Buffer; data?: Buffer }>>((resolve, reject) => {
      yauzl.fromBuffer(readFileSync(out), { lazyEntries: true }, (err, zf) => {
        if (err) return reject(err);
        const list: Array<{ name: string; encrypted: boolean; method: number; aes?: Buffer; data?: Buffer }> = [];
        zf.on("entry", (e: yauzl.Entry) => {
          const item = { name: e.fileName, encrypted: (e.generalPurposeBitFlag & 1) === 1, method: e.compressionMethod, aes: e.extraFields.find((f) => f.id === 0x9901)?.data };
          list.push(item);
          if (item.encrypted) return zf.readEntry();
          zf.openReadStream(e, (err2, stream) => {
            if (err2) return reject(err2);
            const parts: Buffer[] = [];
            stream.on("data", (c: Buffer) => parts.push(c));
            stream.on("end", () => {
              (item as { data?: Buffer }).data = Buffer.concat(parts);
              zf.readEntry();
            });
          });
        });
        zf.on("end", () => resolve(list));
        zf.readEntry();
      });
    });
    expect(entries.map((e) => e.name)).toEqual(["metadata.json", "data.zip"]);
    expect(JSON.parse(entries[0]!.data!.toString())).toEqual([{ Tag: "x" }]);
    const data = entries[1]!;
    expect([data.encrypted, data.method]).toEqual([true, 99]);
    // AE-x extra field: version (2), vendor "AE", strength 3 = AES-256, then the real method 0.
    expect([data.aes!.readUInt16LE(0) >= 1, data.aes!.subarray(2, 4).toString(), data.aes![4], data.aes!.readUInt16LE(5)]).toEqual([true, "AE", 3, 0]);
    // Decrypted with the password, data.zip is the container.
    const reader = new ZipReader(new BlobReader(new Blob([readFileSync(out)])));
    const inner = (await reader.getEntries()).find((e) => e.filename === "data.zip") as FileEntry;
    await expect(inner.getData(new Uint8ArrayWriter(), { password: "wrong" })).rejects.toThrow();
    const bytes = await inner.getData(new Uint8ArrayWriter(), { password: "s3cret" });
    await reader.close();
    const zip = unzipSync(bytes);
    expect(jsonl(zip["results/Linux.Sys.Users.json"])).toEqual([rootFromPasswd()]);
    expect(zip["metadata.json"]).toBeUndefined();
  });

  it("refuses unknown artifacts and args for artifacts it does not know, as Velociraptor does", async () => {
    const unknown = await runCollect(`SELECT * FROM collect(artifacts='No.Such', output='${dir}/x.zip')`);
    expect(unknown.logs).toContain("ERROR collect: Unknown artifact No.Such");
    const args = await runCollect(`SELECT * FROM collect(artifacts='Linux.Sys.Users', args=dict(NameRegex='x'), output='${dir}/x.zip')`);
    expect(args.logs.some((l) => l.includes("Parameter 'args' refers to an unknown artifact (NameRegex)"))).toBe(true);
  });

  it("stops at `timeout` and still closes the container, its state ERROR; stores `metadata` rows", async () => {
    const out = join(dir, "slow.zip");
    const slow = "name: Custom.Slow\nsources:\n  - query: SELECT _value AS N FROM range(end=3) WHERE sleep(time=if(condition=_value > 0, then=30, else=0)) OR TRUE\n";
    const started = Date.now();
    const { rows, logs } = await runCollect(`SELECT * FROM collect(artifacts='Custom.Slow', artifact_definitions='''${slow}''', output='${out}', timeout=0.3, metadata={ SELECT 'case-7' AS Case FROM scope() })`);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(rows).toEqual([{ Container: out, Error: null }]);
    expect(logs.some((l) => l.startsWith("ERROR collect: Timeout Error: Collection timed out after"))).toBe(true);
    const zip = unzipSync(readFileSync(out));
    const context = JSON.parse(strFromU8(zip["collection_context.json"]!));
    expect(context.state).toBe(3);
    // The row before the timeout was collected.
    expect(jsonl(zip["results/Custom.Slow.json"])).toEqual([{ N: 0 }]);
    expect(JSON.parse(strFromU8(zip["metadata.json"]!))).toEqual([{ Case: "case-7" }]);
  });

  it("result sets index each row's offset", () => {
    const { json, index } = resultSet([{ a: 1 }, { b: "xy" }]);
    expect(json.toString()).toBe('{"a":1}\n{"b":"xy"}\n');
    expect([index.readBigInt64LE(0), index.readBigInt64LE(8)]).toEqual([0n, 8n]);
  });
});
