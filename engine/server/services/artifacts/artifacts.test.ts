import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { Database } from "@/drizzle";
import { permissionsOf, type Permission } from "../../auth/roles";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { artifactVqlChecker } from "../../vql/artifact-checker";
import { startAudit } from "../audit";
import { ARTIFACT_MODIFICATION_QUEUE, type ArtifactChangeEvent, type ArtifactsService, type AuditService, type Principal } from "@/engine/server/contracts";
import { startArtifacts } from "./start";
import { readZip, writeZip } from "./zip";

function principal(username: string, role: string, extra: Permission[] = []): Principal {
  return { userId: username, username, role, permissions: new Set([...permissionsOf(role), ...extra]), via: "session" };
}

const admin = principal("alice", "administrator");
const reader = principal("rita", "reader");
/** Can write client artifacts but not server ones. */
const clientWriter = principal("carl", "reader", ["ARTIFACT_WRITER"]);

const CUSTOM = `name: Custom.Test.Hello
description: |
  Says hello.

  More text here.
parameters:
  - name: Who
    default: world
sources:
  - query: SELECT format(format="hello %v", args=Who) AS Greeting FROM scope()
`;

for (const target of testDatabaseTargets()) {
  describe(`artifacts service on ${target.name}`, () => {
    let database: Database;
    let artifacts: ArtifactsService;
    let audit: AuditService;
    let t: TestDeps;
    let clockMs = Date.parse("2026-11-22T10:00:00Z");
    const changes = async () => (await t.journal.history(ARTIFACT_MODIFICATION_QUEUE, { limit: 100, oldestFirst: true })).map((e) => e.payload as unknown as ArtifactChangeEvent);

    beforeAll(async () => {
      database = await target.open();
      t = await testServiceDeps(database, { clock: { now: () => new Date((clockMs += 1000)) } });
      audit = startAudit(t);
      artifacts = await startArtifacts({ ...t, audit, vqlChecker: artifactVqlChecker() }, t.signal);
    });
    afterAll(async () => {
      await t?.stop();
      await database?.close();
    });

    it("loads the built-ins at start and finds them by name", async () => {
      expect(artifacts.get("Linux.Sys.Pslist")?.type).toBe("CLIENT");
      const list = await artifacts.list(reader, { search: "process" });
      expect(list.map((s) => s.name)).toContain("Linux.Sys.Pslist");
      expect(list.every((s) => s.builtIn)).toBe(true);
    });

    it("list() filters by type and by every word of the search in name or description", async () => {
      const notebooks = await artifacts.list(reader, { type: "NOTEBOOK" });
      expect(notebooks.length).toBeGreaterThan(0);
      expect(notebooks.every((s) => s.type === "NOTEBOOK")).toBe(true);
      const both = await artifacts.list(reader, { search: "linux users" });
      expect(both.map((s) => s.name)).toEqual(["Linux.Sys.Users"]);
    });

    it("set() saves a custom artifact with history, audit and a change event", async () => {
      const d = await artifacts.set(admin, CUSTOM);
      expect(d).toMatchObject({ name: "Custom.Test.Hello", builtIn: false, version: 1, updatedBy: "alice", summary: "Says hello." });
      await artifacts.set(admin, CUSTOM.replace("world", "there"));
      const h = await artifacts.history(reader, "Custom.Test.Hello");
      expect(h.map((c) => [c.operation, c.version, c.principal])).toEqual([
        ["set", 2, "alice"],
        ["set", 1, "alice"],
      ]);
      expect(h[0]!.yaml).toContain("default: there");
      expect((await audit.list({ limit: 10, operation: "SetArtifactFile" })).length).toBe(2);
      // Each change is a Server.Internal.ArtifactModification event, stored with it.
      expect((await changes()).slice(-2)).toEqual([
        { artifact: "Custom.Test.Hello", op: "set", principal: "alice" },
        { artifact: "Custom.Test.Hello", op: "set", principal: "alice" },
      ]);
    });

    it("set() refuses names without the custom prefix, built-in names and invalid YAML with line:col", async () => {
      await expect(artifacts.set(admin, CUSTOM.replace("Custom.Test.Hello", "Test.Hello"))).rejects.toThrow(/line 1:7: error ART1008/);
      await expect(artifacts.set(admin, CUSTOM.replace("Custom.Test.Hello", "Linux.Sys.Pslist"), { prefix: "" })).rejects.toThrow(/built-in/);
      await expect(artifacts.set(admin, "name: Custom.X.Y\nsources:\n  - query: SELECT FROM\n")).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/^line 3:/) });
    });

    it("a reader can read but not write; a client-artifact writer cannot write server artifacts", async () => {
      await expect(artifacts.set(reader, CUSTOM)).rejects.toMatchObject({ code: "forbidden" });
      await expect(artifacts.delete(reader, "Custom.Test.Hello")).rejects.toMatchObject({ code: "forbidden" });
      await expect(artifacts.importPack(reader, { filename: "a.yaml", data: new TextEncoder().encode(CUSTOM) })).rejects.toMatchObject({ code: "forbidden" });
      await expect(artifacts.set(clientWriter, CUSTOM.replace("Hello", "Client"))).resolves.toMatchObject({ name: "Custom.Test.Client" });
      const server = CUSTOM.replace("Hello", "Server").replace("parameters:", "type: SERVER\nparameters:");
      await expect(artifacts.set(clientWriter, server)).rejects.toThrow(/SERVER_ARTIFACT_WRITER/);
      await expect(artifacts.set(admin, server)).resolves.toMatchObject({ type: "SERVER" });
      await expect(artifacts.list({ ...reader, permissions: new Set() })).rejects.toThrow(/READ_RESULTS/);
    });

    it("editing a built-in starts from its Custom. copy, which then overrides it when collected", async () => {
      const yaml = await artifacts.editableYaml(admin, "Linux.Sys.Uptime");
      expect(yaml).toMatch(/^name: Custom\.Linux\.Sys\.Uptime$/m);
      expect(artifacts.get("Linux.Sys.Uptime")?.name).toBe("Linux.Sys.Uptime");
      await artifacts.set(admin, yaml.replace("How long", "Custom: how long"));
      expect(artifacts.get("Linux.Sys.Uptime")?.name).toBe("Custom.Linux.Sys.Uptime");
      expect(artifacts.get("Linux.Sys.Uptime", { exact: true })?.name).toBe("Linux.Sys.Uptime");
      const builtin = await artifacts.show(reader, "Linux.Sys.Uptime");
      expect(builtin.overriddenBy).toBe("Custom.Linux.Sys.Uptime");
      expect((await artifacts.show(reader, "Custom.Linux.Sys.Uptime")).overrides).toBe("Linux.Sys.Uptime");
      expect(await artifacts.editableYaml(admin, "Linux.Sys.Uptime")).toContain("Custom: how long");
    });

    it("rename() moves the artifact and its history; delete() removes it and records who", async () => {
      const d = await artifacts.rename(admin, "Custom.Test.Client", "Custom.Test.Renamed");
      expect(d.yaml).toMatch(/^name: Custom\.Test\.Renamed$/m);
      expect(artifacts.get("Custom.Test.Client")).toBeUndefined();
      const h = await artifacts.history(reader, "Custom.Test.Renamed");
      expect(h.map((c) => c.operation)).toEqual(["rename", "set"]);
      await expect(artifacts.rename(admin, "Custom.Test.Renamed", "Custom.Test.Hello")).rejects.toMatchObject({ code: "conflict" });
      await expect(artifacts.delete(admin, "Linux.Sys.Pslist")).rejects.toThrow(/built-in/);
      await artifacts.delete(admin, "Custom.Test.Renamed");
      expect(artifacts.get("Custom.Test.Renamed")).toBeUndefined();
      expect((await artifacts.history(reader, "Custom.Test.Renamed"))[0]).toMatchObject({ operation: "delete", principal: "alice", yaml: null });
      await expect(artifacts.delete(admin, "Custom.Test.Renamed")).rejects.toMatchObject({ code: "not_found" });
    });

    it("importPack() takes a zip: prefixes bare names, reports broken files, imports the rest", async () => {
      const enc = (s: string) => new TextEncoder().encode(s);
      const zip = writeZip([
        { name: "pack/One.yaml", data: enc("name: Pack.One\nsources:\n  - query: SELECT 1 AS A FROM scope()\n") },
        { name: "pack/Broken.yaml", data: enc("name: Pack.Broken\nsources:\n  - query: SELECT FROM\n") },
        { name: "README.md", data: enc("not an artifact") },
      ]);
      const r = await artifacts.importPack(admin, { filename: "pack.zip", data: zip });
      expect(r.files.map((f) => [f.file, f.name, f.ok])).toEqual([
        ["pack/One.yaml", "Custom.Pack.One", true],
        ["pack/Broken.yaml", "Custom.Pack.Broken", false],
      ]);
      expect(r.files[0]!.renamedFrom).toBe("Pack.One");
      expect(r.files[1]!.errors[0]).toMatch(/^line 3:/);
      expect(artifacts.get("Custom.Pack.One")).toBeDefined();
      const single = await artifacts.importPack(admin, { filename: "x.yaml", data: enc(CUSTOM.replace("Hello", "Single")) });
      expect(single.files[0]).toMatchObject({ ok: true, name: "Custom.Test.Single" });
    });

    it("exportAll() zips every custom artifact at its dotted path; exportOne() gives one YAML", async () => {
      const { data } = await artifacts.exportAll(reader);
      const names = readZip(data).map((e) => e.name);
      expect(names).toContain("Custom/Test/Hello.yaml");
      expect(names).toContain("Custom/Pack/One.yaml");
      expect(names.some((n) => n.startsWith("Linux/"))).toBe(false);
      const one = await artifacts.exportOne(reader, "Linux.Sys.Pslist");
      expect(one.filename).toBe("Linux.Sys.Pslist.yaml");
      expect(one.yaml).toMatch(/^name: Linux\.Sys\.Pslist$/m);
    });

    it("a second service on the same database sees the custom artifacts after start, and follows later changes within a second", async () => {
      const other = await startArtifacts({ ...t, audit, vqlChecker: artifactVqlChecker() }, t.signal);
      expect(other.get("Linux.Sys.Uptime")?.name).toBe("Custom.Linux.Sys.Uptime");
      expect(other.get("Custom.Test.Hello")?.parameters[0]?.default).toBe("there");
      const t0 = Date.now();
      await artifacts.set(admin, CUSTOM.replace("world", "again"));
      while (other.get("Custom.Test.Hello")?.parameters[0]?.default !== "again") {
        if (Date.now() - t0 > 1000) throw new Error("the second service did not follow the change within 1 s");
        await new Promise((r) => setTimeout(r, 10));
      }
      await artifacts.delete(admin, "Custom.Test.Hello");
      while (other.get("Custom.Test.Hello")) {
        if (Date.now() - t0 > 2000) throw new Error("the second service did not follow the delete within 1 s");
        await new Promise((r) => setTimeout(r, 10));
      }
    });
  });
}
