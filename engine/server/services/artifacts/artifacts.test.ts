import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import { queries, type Database } from "@/drizzle";
import { permissionsOf, type Permission } from "../../auth/roles";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { artifactVqlChecker } from "../../vql/artifact-checker";
import { startAudit } from "../audit";
import { ARTIFACT_MODIFICATION_QUEUE, type ArtifactChangeEvent, type ArtifactsService, type AuditService, type Principal } from "@/engine/server/contracts";
import { startArtifacts } from "./start";
import { zipBytes } from "@/engine/server/export/zip-stream";
import { readZip } from "./zip";
import { compileArtifact } from "@/engine/artifacts";
import { arg, createRegistry, defineFunction, definePlugin, OrderedDict, portableBuiltins, runVql, toJsonValue } from "@/engine/vql";

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

/**
 * The artifact of Velociraptor's "automating labels" article, as a user pastes it: a name with
 * no `Custom.` prefix and no dot, and no comma after `SELECT *` in the last query.
 */
const AUTOMATE_LABELS = `name: AutomateServerLabels
type: SERVER_EVENT
sources:
- query: |
    LET interrogations = SELECT *
    FROM watch_monitoring(artifact="System.Flow.Completion")
    WHERE Flow.artifacts_with_results =~ "Generic.Client.Info/BasicInformation"

    LET results = SELECT *, ClientId
    FROM source(
       artifact="Generic.Client.Info/BasicInformation" ,
       client_id=ClientId, flow_id=FlowId)
    WHERE Platform =~ "Server"

    SELECT *
    label(client_id=ClientId, labels="Server", op="set")
    FROM foreach(row=interrogations, query=results)
`;

/** watch_monitoring() with two finished interrogations, source() with their rows, label() recording its calls. */
function automateStandIns(labelled: unknown[]) {
  const platforms: Record<string, string> = { "C.1": "Ubuntu 24.04", "C.2": "Windows Server 2022" };
  return [
    definePlugin({
      name: "watch_monitoring",
      category: "test",
      doc: "Two flow completions.",
      args: { artifact: arg.string().required().doc("The queue.") },
      *run() {
        for (const id of ["C.1", "C.2"]) yield OrderedDict.fromObject({ ClientId: id, FlowId: `F.${id}`, Flow: { artifacts_with_results: ["Generic.Client.Info/BasicInformation"] } });
      },
    }),
    definePlugin({
      name: "source",
      category: "test",
      doc: "The BasicInformation row of the flow.",
      args: { artifact: arg.string().doc("Source."), client_id: arg.string().doc("Client."), flow_id: arg.string().doc("Flow.") },
      *run({ client_id }) {
        yield OrderedDict.fromObject({ Platform: platforms[client_id ?? ""] ?? "" });
      },
    }),
    defineFunction({
      name: "label",
      category: "test",
      doc: "Records the call.",
      args: { client_id: arg.string().doc("Client."), labels: arg.list(arg.string()).doc("Labels."), op: arg.string().doc("Op.") },
      run({ client_id, labels, op }) {
        labelled.push([client_id, labels, op]);
        return OrderedDict.fromObject({ client_id, labels, op });
      },
    }),
  ];
}

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
      const both = await artifacts.list(reader, { search: "linux account database" });
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

    it("set() takes any valid name but a built-in's (offering its Custom. override), a required prefix only when given, and refuses invalid YAML with line:col", async () => {
      await expect(artifacts.set(admin, CUSTOM.replace("Custom.Test.Hello", "Test.Plain"))).resolves.toMatchObject({ name: "Test.Plain", builtIn: false });
      await expect(artifacts.set(admin, CUSTOM.replace("Custom.Test.Hello", "Linux.Sys.Pslist"))).rejects.toMatchObject({
        code: "bad_request",
        message: expect.stringMatching(/^line 1:7: error ART2005: `Linux\.Sys\.Pslist` is a built-in artifact; save your version as `Custom\.Linux\.Sys\.Pslist`/),
      });
      expect(artifacts.validate(CUSTOM.replace("Custom.Test.Hello", "Linux.Sys.Pslist")).diagnostics.map((d) => d.code)).toEqual(["ART2005"]);
      await expect(artifacts.set(admin, CUSTOM.replace("Custom.Test.Hello", "Test.Other"), { prefix: "Custom." })).rejects.toThrow(/line 1:7: error ART1008/);
      await expect(artifacts.set(admin, "name: Custom.X.Y\nsources:\n  - query: SELECT FROM\n")).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/^line 3:/) });
      await expect(artifacts.rename(admin, "Test.Plain", "Linux.Sys.Pslist")).rejects.toMatchObject({ code: "conflict" });
      await artifacts.delete(admin, "Test.Plain");
    });

    it("set() refuses a raw NUL with its line:col and stores an escaped one (\\0 in a quoted YAML string) as U+FFFD in the description", async () => {
      await expect(artifacts.set(admin, "name: Custom.Nul.Raw\nsources:\n  - query: SELECT 'a\u0000' FROM scope()\n")).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/^line 3:21: error ART1001: invalid YAML: control character U\+0000 is not allowed/) });
      await artifacts.set(admin, 'name: Custom.Nul.Escaped\ndescription: "before\\0after"\nsources:\n  - query: SELECT 1 FROM scope()\n');
      expect((await queries.getCustomArtifact(database.db, "Custom.Nul.Escaped"))?.description).toBe("before\uFFFDafter");
    });

    it("set() saves a one-word SERVER_EVENT artifact as pasted from Velociraptor's docs, and its query runs as Velociraptor reads it", async () => {
      const d = await artifacts.set(admin, AUTOMATE_LABELS);
      expect(d).toMatchObject({ name: "AutomateServerLabels", type: "SERVER_EVENT", builtIn: false });
      expect(d.yaml).toBe(AUTOMATE_LABELS);
      expect(artifacts.get("AutomateServerLabels")?.name).toBe("AutomateServerLabels");
      // Run its query with stand-ins for the server's event and result sources.
      const labelled: unknown[] = [];
      const registry = createRegistry([...portableBuiltins, ...automateStandIns(labelled)]);
      const rows: unknown[] = [];
      const [source] = compileArtifact(artifacts.get("AutomateServerLabels")!, (n) => artifacts.get(n)).sources;
      for await (const e of runVql(source!.query, { registry })) {
        if (e.kind === "row") rows.push(toJsonValue(e.row));
        if (e.kind === "log" && e.level === "ERROR") throw new Error(e.message);
      }
      // `SELECT *` then `label(...)` without a comma is `SELECT *, label(...)`.
      expect(rows).toEqual([{ ClientId: "C.2", Platform: "Windows Server 2022", 'label(client_id=ClientId, labels="Server", op="set")': { client_id: "C.2", labels: ["Server"], op: "set" } }]);
      expect(labelled).toEqual([["C.2", ["Server"], "set"]]);
      await artifacts.delete(admin, "AutomateServerLabels");
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
      const zip = await zipBytes([
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
