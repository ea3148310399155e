// The tools service on each test database, and the inventory builtins through VQL: an admin's
// inventory_add (bytes hashed with sha256, served locally; a url handed out as it is), versions
// (the highest unless one is asked for), probe, the launcher's declare-then-env (an admin's
// definition never replaced by an artifact's), refusals (permissions, names, hashes, tools that
// cannot be delivered), the download lookup by token. No request leaves the machine.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { Database } from "@/drizzle";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "@/engine/vql";
import { permissionsOf } from "../../auth/roles";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { startAudit } from "../audit";
import { serverBuiltins } from "../../plugins";
import type { AuditService, Principal, ToolsService, VqlServices } from "@/engine/server/contracts";
import { startTools } from ".";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const as = (role: string, username = role): Principal => ({ userId: username, username, role, permissions: permissionsOf(role), via: "session" });
const admin = as("administrator", "alice");
const investigator = as("investigator", "ivan");
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

for (const target of testDatabaseTargets()) {
  describe(`tools service on ${target.name}`, () => {
    let database: Database;
    let t: TestDeps;
    let audit: AuditService;
    let tools: ToolsService;

    beforeAll(async () => {
      database = await target.open();
      t = await testServiceDeps(database);
      audit = startAudit(t);
      tools = startTools({ ...t, audit });
    });
    afterAll(async () => {
      await t?.stop();
      await database?.close();
    });

    async function vql(text: string, principal: Principal = admin) {
      const rows: unknown[] = [];
      const logs: string[] = [];
      for await (const e of runVql(text, { registry, host: { principal, services: { tools } as unknown as VqlServices }, permissions: principal.permissions })) {
        if (e.kind === "row") rows.push(toJsonValue(e.row));
        if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
      }
      return { rows, logs };
    }

    it("inventory_add(file, accessor='data') stores the bytes, hashes them with sha256 and serves them locally by an unguessable token", async () => {
      const out = await vql("SELECT inventory_add(tool='Hello', file='hello tool', accessor='data', filename='hello.sh') AS T FROM scope()");
      expect(out.logs).toEqual([]);
      const tool = (out.rows[0] as { T: Record<string, unknown> }).T;
      expect(tool).toMatchObject({ name: "Hello", serve_locally: true, admin_override: true, filename: "hello.sh", hash: sha256("hello tool"), url: "", version: "" });
      expect(tool.filestore_path).toMatch(/^[0-9a-f]{64}$/);
      expect(tool.serve_url).toBe(`/api/tools/download/${tool.filestore_path}`);
      const got = await tools.download(String(tool.filestore_path));
      expect(Buffer.from(got!.data).toString()).toBe("hello tool");
      expect(got).toMatchObject({ filename: "hello.sh", hash: sha256("hello tool") });
      expect(await tools.download("0".repeat(64))).toBeUndefined();
      expect(await tools.download("../etc/passwd")).toBeUndefined();
      // Replacing the file keeps the token (URLs handed out earlier stay valid).
      const again = (await tools.add(admin, { tool: "Hello", data: new TextEncoder().encode("hello v2"), filename: "hello.sh" })).filestorePath;
      expect(again).toBe(tool.filestore_path);
      expect(Buffer.from((await tools.download(again))!.data).toString()).toBe("hello v2");
    });

    it("inventory_get() gives the variables an agent gets and the Definition; probe returns a definition that cannot be delivered", async () => {
      await tools.add(admin, { tool: "Remote", url: "https://tools.example/dl/remote-1.2.exe", hash: "AB".repeat(32) });
      const out = await vql("SELECT inventory_get(tool='Remote') AS G FROM scope()");
      expect(out).toEqual({
        rows: [
          {
            G: {
              Tool_Remote_HASH: "ab".repeat(32),
              Tool_Remote_FILENAME: "remote-1.2.exe",
              Tool_Remote_URL: "https://tools.example/dl/remote-1.2.exe",
              Tool_Remote_URLs: '["https://tools.example/dl/remote-1.2.exe"]',
              Definition: expect.objectContaining({ name: "Remote", url: "https://tools.example/dl/remote-1.2.exe", serve_locally: false, serve_url: "https://tools.example/dl/remote-1.2.exe", hash: "ab".repeat(32) }),
            },
          },
        ],
        logs: [],
      });
      // Declared by an artifact as served locally, but never uploaded: only probe answers.
      await tools.collectionEnv([{ name: "Pending", artifact: "Custom.A", serveLocally: true, url: "https://tools.example/p.exe" }]).catch(() => undefined);
      expect((await vql("SELECT inventory_get(tool='Pending') AS G FROM scope()")).logs).toEqual([
        'ERROR inventory_get: tool Pending is served locally but the server has no file for it (Talon never downloads tools itself): upload it with inventory_add(tool="Pending", file=...)',
      ]);
      const probed = await vql("SELECT inventory_get(tool='Pending', probe=TRUE).Definition AS D FROM scope()");
      expect(probed.rows).toEqual([{ D: expect.objectContaining({ name: "Pending", artifact: "Custom.A", serve_locally: true, serve_url: "", filename: "p.exe" }) }]);
      expect((await vql("SELECT inventory_get(tool='Nope') AS G FROM scope()")).logs).toEqual(["ERROR inventory_get: tool Nope is not declared in the inventory"]);
    });

    it("versions: the highest by default (numeric parts compared as numbers), or the one asked for", async () => {
      for (const version of ["1.9", "1.10", "1.2"]) await tools.add(admin, { tool: "Multi", version, url: `https://tools.example/multi-${version}.bin` });
      expect((await tools.get(admin, { tool: "Multi" })).version).toBe("1.10");
      expect((await tools.get(admin, { tool: "Multi", version: "1.2" })).url).toBe("https://tools.example/multi-1.2.bin");
      expect((await vql("SELECT name, version FROM inventory() WHERE name = 'Multi'")).rows).toEqual(["1.10", "1.2", "1.9"].map((version) => ({ name: "Multi", version })));
    });

    it("collectionEnv() declares an artifact's tools once and never replaces an admin's definition", async () => {
      const env = await tools.collectionEnv([{ name: "FromArtifact", artifact: "Custom.B", url: "https://tools.example/fa.exe", expectedHash: "CD".repeat(32), version: "2" }]);
      expect(env).toEqual({
        Tool_FromArtifact_HASH: "cd".repeat(32),
        Tool_FromArtifact_FILENAME: "fa.exe",
        Tool_FromArtifact_VERSION: "2",
        Tool_FromArtifact_URL: "https://tools.example/fa.exe",
        Tool_FromArtifact_URLs: '["https://tools.example/fa.exe"]',
      });
      // The admin overrides it with a file; an artifact declaring it again changes nothing.
      await tools.add(admin, { tool: "FromArtifact", version: "2", data: new TextEncoder().encode("admin's"), filename: "fa.exe" });
      const after = await tools.collectionEnv([{ name: "FromArtifact", artifact: "Custom.C", url: "https://elsewhere.example/x.exe", version: "2" }]);
      expect(after.Tool_FromArtifact_HASH).toBe(sha256("admin's"));
      expect(after.Tool_FromArtifact_URL).toMatch(/^\/api\/tools\/download\/[0-9a-f]{64}$/);
      expect((await tools.list(investigator)).find((x) => x.name === "FromArtifact")).toMatchObject({ adminOverride: true, artifact: "" });
      // Not deliverable: no url, no file (a GitHub project alone is not resolved).
      await expect(tools.collectionEnv([{ name: "Gh", artifact: "Custom.D", githubProject: "Velocidex/x" }])).rejects.toThrow(/tool Gh has no url and no file \(Talon does not resolve GitHub releases of Velocidex\/x\)/);
    });

    it("the tools page's override keeps the declaring artifact and records who set it and when", async () => {
      await tools.collectionEnv([{ name: "Paged", artifact: "Custom.P", serveLocally: true, filename: "p.bin" }]).catch(() => undefined);
      const declared = (await tools.list(investigator)).find((x) => x.name === "Paged")!;
      expect(declared).toMatchObject({ artifact: "Custom.P", adminOverride: false, updatedBy: "" });
      await tools.add(admin, { tool: "Paged", data: new TextEncoder().encode("paged"), filename: "p.bin", artifact: declared.artifact });
      const after = (await tools.list(investigator)).find((x) => x.name === "Paged")!;
      expect(after).toMatchObject({ artifact: "Custom.P", adminOverride: true, serveLocally: true, hash: sha256("paged"), size: 5, updatedBy: "alice" });
      expect(after.updatedAt).toBeInstanceOf(Date);
    });

    it("refuses without SERVER_ADMIN, and bad names, hashes, urls and a hash that is not the file's", async () => {
      expect((await vql("SELECT inventory_add(tool='X', url='https://a.example/x') AS T FROM scope()", investigator)).logs[0]).toMatch(/permission denied: `inventory_add\(\)` needs SERVER_ADMIN/);
      await expect(tools.get(investigator, { tool: "Hello" })).rejects.toThrow(/SERVER_ADMIN/);
      await expect(tools.add(admin, { tool: "bad name!" })).rejects.toThrow(/field `tool`: a tool name is 1 to 200 letters/);
      await expect(tools.add(admin, { tool: "H", hash: "xyz" })).rejects.toThrow(/field `hash`: a hash is a sha256 in hex/);
      await expect(tools.add(admin, { tool: "H", url: "file:///etc/passwd" })).rejects.toThrow(/a tool's url is http or https, not file:/);
      await expect(tools.add(admin, { tool: "H", filename: "../x" })).rejects.toThrow(/a file name has no `\/`/);
      await expect(tools.add(admin, { tool: "H", data: new TextEncoder().encode("a"), hash: "0".repeat(64) })).rejects.toThrow(`the file's sha256 is ${sha256("a")}, not the hash given`);
      // Reading a server file needs FILESYSTEM_READ besides SERVER_ADMIN.
      const noFs: Principal = { ...admin, permissions: new Set([...admin.permissions].filter((p) => p !== "FILESYSTEM_READ")) };
      expect((await vql("SELECT inventory_add(tool='F', file='/etc/hostname') AS T FROM scope()", noFs)).logs).toEqual(["ERROR inventory_add: reading a file on the server needs the FILESYSTEM_READ permission"]);
    });
  });
}
