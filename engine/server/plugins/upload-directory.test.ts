// upload_directory() and server_frontend_cert() on the server: a file copied under `output`
// at the components of `name` (or of its own path) with Velociraptor's upload dict, its times
// set; names and symlinks leaving `output` refused; the data and fs accessors; permissions.
// server_frontend_cert() is NULL (Talon holds no frontend certificate) and needs MACHINE_STATE.
import { lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "../../vql";
import { permissionsOf, type Permission } from "../auth/roles";
import type { Principal, VqlServices } from "@/engine/server/contracts";
import { serverEndpointSystem } from "./endpoint";
import { serverBuiltins } from ".";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
// "hello\n": its digests are well known (sha256sum, md5sum).
const HELLO_SHA256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
const HELLO_MD5 = "b1946ac92492d2347c6235b4d2611184";

let dir = "";
let src = "";
let out = "";
let stored = "";
const dataDir = join(tmpdir(), "talon-upload-dir-data");
const system = serverEndpointSystem({ dataDir });
const services = { fileStore: { localPath: async () => stored } } as unknown as VqlServices;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "talon-upload-dir-"));
  src = join(dir, "src", "hello.txt");
  out = join(dir, "out");
  stored = join(dir, "stored.zip");
  await mkdir(join(dir, "src"));
  await writeFile(src, "hello\n");
  await writeFile(stored, "PKzip");
  await mkdir(out);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function vql(text: string, permissions: ReadonlySet<Permission> = admin.permissions) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(text, { registry, env: { Src: src, Out: out, Dir: dir }, permissions, host: { principal: { ...admin, permissions }, services, system } })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

describe("upload_directory()", () => {
  it("copies the file to output/name and returns the upload dict with its size and digests", async () => {
    const { rows, logs } = await vql("SELECT upload_directory(file=Src, name='Host a/F.1.txt', output=Out, accessor='file') AS U FROM scope()");
    expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    expect(rows[0]!.U).toEqual({ Path: join(out, "Host a", "F.1.txt"), Size: 6, StoredSize: 6, sha256: HELLO_SHA256, md5: HELLO_MD5, Components: ["Host a", "F.1.txt"] });
    expect(await readFile(join(out, "Host a", "F.1.txt"), "utf8")).toBe("hello\n");
    expect(logs).toContain(`INFO Uploaded ${join(out, "Host a", "F.1.txt")} (6 bytes)`);
  });

  it("without a name the file's own path is kept under output, and mtime is set on the copy", async () => {
    const { rows } = await vql("SELECT upload_directory(file=Src, output=Out, mtime='2024-08-20T03:18:07Z') AS U FROM scope()");
    const path = join(out, ...src.split("/").filter(Boolean));
    expect((rows[0]!.U as { Path: string }).Path).toBe(path);
    expect((await stat(path)).mtime.toISOString()).toBe("2024-08-20T03:18:07.000Z");
  });

  it("refuses a name that leaves output, through .. or a symlink", async () => {
    const up = await vql("SELECT upload_directory(file=Src, name='a/../../escape.txt', output=Out) AS U FROM scope()");
    expect(up.rows).toEqual([{ U: null }]);
    expect(up.logs.join()).toMatch(/leaves the output directory/);
    await symlink(dir, join(out, "link"));
    const link = await vql("SELECT upload_directory(file=Src, name='link/escape.txt', output=Out) AS U FROM scope()");
    expect(link.rows).toEqual([{ U: null }]);
    await expect(lstat(join(dir, "escape.txt"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("the data accessor writes `file` itself; fs reads a file-store path; another accessor is an Error dict", async () => {
    const data = await vql("SELECT upload_directory(file='hello\n', accessor='data', name='d.txt', output=Out) AS U FROM scope()");
    expect(data.rows[0]!.U).toMatchObject({ Size: 6, sha256: HELLO_SHA256 });
    const fs = await vql("SELECT upload_directory(file='/downloads/C.1/F.1/x.zip', accessor='fs', name='Host x.zip', output=Out) AS U FROM scope()");
    expect(fs.rows[0]!.U).toMatchObject({ Path: join(out, "Host x.zip"), Size: 5 });
    const other = await vql("SELECT upload_directory(file=Src, accessor='ntfs', output=Out) AS U FROM scope()");
    expect(other.rows[0]!.U).toEqual({ Path: "", Size: 0, Error: "accessor `ntfs` is not available on the server (use auto, file, data or fs)" });
  });

  it("a directory gives NULL; a missing file an Error dict; a protected path is refused", async () => {
    expect((await vql("SELECT upload_directory(file=Dir, name='d', output=Out) AS U FROM scope()")).rows).toEqual([{ U: null }]);
    const missing = await vql("SELECT upload_directory(file=Dir + '/nope', name='n', output=Out) AS U FROM scope()");
    expect(missing.rows[0]!.U).toMatchObject({ Size: 0, Error: expect.stringMatching(/nope/) });
    await mkdir(dataDir, { recursive: true });
    try {
      const prot = await vql(`SELECT upload_directory(file='x', accessor='data', name='y', output='${dataDir}') AS U FROM scope()`);
      expect(prot.rows[0]!.U).toMatchObject({ Size: 0 });
      expect(prot.logs.join()).toMatch(/ERROR/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("needs FILESYSTEM_WRITE, and FILESYSTEM_READ to read the server's files", async () => {
    const none = await vql("SELECT upload_directory(file=Src, name='p', output=Out) AS U FROM scope()", new Set<Permission>(["READ_RESULTS"]));
    expect(none.rows).toEqual([{ U: null }]);
    expect(none.logs.join()).toMatch(/FILESYSTEM_WRITE/);
    const writeOnly = await vql("SELECT upload_directory(file=Src, name='p', output=Out) AS U FROM scope()", new Set<Permission>(["FILESYSTEM_WRITE"]));
    expect(writeOnly.rows[0]!.U).toMatchObject({ Error: "reading the server's files needs the FILESYSTEM_READ permission" });
  });
});

describe("server_frontend_cert()", () => {
  it("is NULL with an INFO line (Talon holds no frontend certificate), and needs MACHINE_STATE", async () => {
    const { rows, logs } = await vql("SELECT server_frontend_cert() AS C FROM scope()");
    expect(rows).toEqual([{ C: null }]);
    expect(logs).toContain("INFO server_frontend_cert: Talon serves no TLS itself and holds no frontend certificate");
    const denied = await vql("SELECT server_frontend_cert() AS C FROM scope()", new Set<Permission>(["READ_RESULTS"]));
    expect(denied.rows).toEqual([{ C: null }]);
    expect(denied.logs.join()).toMatch(/MACHINE_STATE/);
  });
});
