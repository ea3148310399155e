// repack(), deb_create() and rpm_create() on a real engine: the agent bundle esbuild builds is
// repacked with a config naming this server, read back from the file store and run with
// `node` as its own process, and it enrols with the embedded token and answers the interrogation
// (Generic.Client.Info runs in the bundle's query workers); the .deb's bundle, unpacked with
// dpkg-deb, enrols too. Then the rows' shapes (the upload dict, {Spec, OSPath, Filename},
// show_spec's {Spec}, a package_spec customised as Server.Utils.CreateLinuxPackages does) and
// the refusals (server=TRUE, binaries, no permission, neither upload_name nor dest_filename).
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import { toJsonValue } from "@/engine/vql";
import type { Engine, Principal } from "@/engine/server/contracts";
import { extractConfigText } from "@/engine/protocol/embedded-config";
import { principal } from "../server/services/notebooks/testing";
import { startTestServer, waitFor, type TestServer } from "./harness";

const target = testDatabaseTargets()[0]!;

describe(`client installers (${target.name})`, () => {
  let s: TestServer;
  let engine: Engine;
  let token = "";
  const dir = mkdtempSync(join(tmpdir(), "talon-packages-"));
  const admin = principal("alice", "administrator");
  const analyst = principal("ana", "analyst");
  const agents: ChildProcess[] = [];

  beforeAll(async () => {
    s = await startTestServer({ database: await target.open(), agentHeartbeatMs: 60_000 });
    engine = s.engine;
    token = await engine.clients.ensureDeploymentToken();
  }, 60_000);
  afterAll(async () => {
    for (const a of agents) if (a.exitCode === null && a.pid) process.kill(a.pid, "SIGTERM");
    await Promise.all(agents.map((a) => (a.exitCode === null ? new Promise((r) => a.once("exit", r)) : undefined)));
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  async function vql(text: string, p: Principal = admin) {
    const rows: Record<string, unknown>[] = [];
    const logs: string[] = [];
    for await (const e of engine.queries.run(text, { principal: p, adhoc: false })) {
      if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
      if (e.kind === "log" && (e.level === "ERROR" || e.level === "WARN")) logs.push(`${e.level} ${e.message}`);
    }
    return { rows, logs };
  }

  async function stored(path: string): Promise<Buffer> {
    const { body } = await engine.fileStore.open(admin, path);
    const chunks: Uint8Array[] = [];
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    return Buffer.concat(chunks);
  }

  /** Runs a bundle as an agent (no --server, no --token: they come from its embedded config). */
  async function runAgent(file: string, name: string): Promise<string> {
    const state = join(dir, `${name}-state`);
    const out: string[] = [];
    const child = spawn(process.execPath, [file, "--state", state], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TALON_SERVER: "", TALON_TOKEN: "" } });
    agents.push(child);
    child.stdout!.on("data", (c: Buffer) => out.push(c.toString()));
    child.stderr!.on("data", (c: Buffer) => out.push(c.toString()));
    const clientId = await waitFor(() => /Talon agent (C\.[0-9a-f]+)/.exec(out.join(""))?.[1] ?? (child.exitCode !== null ? Promise.reject(new Error(`the agent exited ${child.exitCode}: ${out.join("")}`)) : undefined), "the agent's first line", 30_000);
    await waitFor(() => engine.agents.isLocal(clientId), `agent ${clientId} connected`, 30_000);
    const host = await waitFor(async () => (await engine.clients.get(admin, clientId)).hostname || undefined, `${clientId} interrogated`, 60_000);
    expect(host).toBeTruthy();
    return clientId;
  }

  it("repack(upload_name=...) stores the bundle with the config embedded; run with node, it enrols with the embedded token", async () => {
    const config = JSON.stringify({ Client: { server_urls: [s.url] } });
    const out = await vql(`SELECT repack(config='${config}', upload_name='talon-agent.mjs') AS Repacked FROM scope()`);
    expect(out.logs).toEqual([]);
    const up = out.rows[0]!.Repacked as Record<string, unknown>;
    expect(Object.keys(up)).toEqual(["Path", "Size", "StoredSize", "sha256", "md5", "Components"]);
    expect(up.Path).toBe("/packages/talon-agent.mjs");
    expect(up.Components).toEqual(["packages", "talon-agent.mjs"]);
    const bundle = await stored("/packages/talon-agent.mjs");
    expect(bundle.length).toBe(up.Size);
    expect(bundle.subarray(0, 19).toString()).toBe("#!/usr/bin/env node");
    // The token was filled from the deployment token: the config names the server and carries it.
    const embedded = extractConfigText(bundle.toString("utf8"))!;
    expect(embedded).toContain(s.url);
    expect(embedded).toContain(token);
    const file = join(dir, "talon-agent.mjs");
    writeFileSync(file, bundle);
    const clientId = await runAgent(file, "repacked");
    expect(existsSync(join(dir, "repacked-state"))).toBe(true);
    expect((await engine.clients.get(admin, clientId)).clientId).toBe(clientId);
  }, 120_000);

  it("deb_create() stores a .deb; dpkg-deb unpacks a bundle that enrols; the row is {Spec, OSPath, Filename}", async () => {
    const config = `Client:\n  server_urls:\n    - ${s.url}\n  token: ${token}\n`;
    const out = await vql(`SELECT * FROM deb_create(config=Config)`.replace("Config", `'${config}'`));
    expect(out.logs).toEqual([]);
    expect(out.rows).toHaveLength(1);
    const row = out.rows[0]!;
    expect(Object.keys(row)).toEqual(["Spec", "OSPath", "Filename"]);
    expect(row.Filename).toBe("/packages/talon_client_0.1.0_all.deb");
    expect(row.OSPath).toBe("/packages/talon_client_0.1.0_all.deb");
    expect((row.Spec as { Expansion: { Arch: string } }).Expansion.Arch).toBe("all");
    const deb = join(dir, "agent.deb");
    writeFileSync(deb, await stored("/packages/talon_client_0.1.0_all.deb"));
    expect(execFileSync("dpkg-deb", ["--field", deb, "Depends"], { encoding: "utf8" }).trim()).toBe("nodejs (>= 20)");
    const root = join(dir, "deb-root");
    execFileSync("dpkg-deb", ["-x", deb, root]);
    const unit = readFileSync(join(root, "etc/systemd/system/talon-agent.service"), "utf8");
    expect(unit).toContain("ExecStart=/usr/bin/node /usr/lib/talon-agent/talon-agent.mjs");
    await runAgent(join(root, "usr/lib/talon-agent/talon-agent.mjs"), "deb");
  }, 120_000);

  it("rpm_create() with a package_spec customised as Server.Utils.CreateLinuxPackages does; directory_name also writes it there", async () => {
    const config = JSON.stringify({ Client: { server_urls: [s.url], token } });
    const out = await vql(`
      LET _RPMSpec <= SELECT Spec FROM rpm_create(show_spec=TRUE)
      LET RPMSpec <= _RPMSpec[0].Spec + dict(Templates=_RPMSpec[0].Spec.Templates +
        dict(Metadata=format(format='{"Name": "{{ .SysvService }}", "Vendor": "%v", "Version": "{{ .Version }}", "Release": "{{ .Release }}", "Arch": "{{ .Arch }}", "BuildTime": "%v"}', args=["ACME", "2026-02-03T04:05:06Z"])))
      SELECT OSPath.Basename AS Name, Filename FROM rpm_create(
        directory_name='${dir}',
        package_spec=RPMSpec + dict(Expansion=RPMSpec.Expansion + dict(SysvService="acme-agent", Maintainer="ACME")),
        release="7",
        config='${config}')`);
    expect(out.logs).toEqual([]);
    expect(out.rows).toEqual([{ Name: "talon_client_0.1.0_noarch.rpm", Filename: join(dir, "talon_client_0.1.0_noarch.rpm") }]);
    const local = readFileSync(join(dir, "talon_client_0.1.0_noarch.rpm"));
    expect(local.equals(await stored("/packages/talon_client_0.1.0_noarch.rpm"))).toBe(true);
    // The lead names name-version-release as the Metadata template made them.
    expect(local.subarray(10, 10 + "acme-agent-0.1.0-7".length).toString("latin1")).toBe("acme-agent-0.1.0-7");
    expect(local.includes(Buffer.from("ACME\0"))).toBe(true);
  }, 60_000);

  it("show_spec=TRUE yields only {Spec}: Velociraptor's spec shape with Talon's files and templates", async () => {
    const out = await vql("SELECT * FROM deb_create(show_spec=TRUE)");
    expect(out.logs).toEqual([]);
    expect(Object.keys(out.rows[0]!)).toEqual(["Spec"]);
    const spec = out.rows[0]!.Spec as Record<string, Record<string, unknown>>;
    expect(Object.keys(spec)).toEqual(["Server", "OutputFilenameTemplate", "Files", "Templates", "Expansion"]);
    expect(Object.keys(spec.Files!)).toEqual(["{{.VelociraptorBinaryPath}}", "/etc/systemd/system/{{.SystemdServiceFile}}", "Postin", "Prerm"]);
    expect(spec.Expansion!.VelociraptorBinaryPath).toBe("/usr/lib/talon-agent/talon-agent.mjs");
    expect(spec.Templates!.ServiceDefinition).toMatch(/Restart=on-failure/);
  });

  it("the file store's put() stores only under /packages/ and needs COLLECT_SERVER", async () => {
    await expect(engine.fileStore.put(admin, "/downloads/C.1/x.zip", new Uint8Array([1]))).rejects.toThrow(/stored under \/packages\//);
    await expect(engine.fileStore.put(principal("rita", "reader"), "/packages/x", new Uint8Array([1]))).rejects.toThrow(/COLLECT_SERVER/);
    const f = await engine.fileStore.put(admin, "/packages/x.bin", new Uint8Array([1, 2, 3]));
    expect([f.path, f.size, f.complete]).toEqual(["/packages/x.bin", 3, true]);
    await engine.fileStore.put(admin, "/packages/x.bin", new Uint8Array([9]));
    expect([...(await stored("/packages/x.bin"))]).toEqual([9]);
  });

  it("refuses server=TRUE, binaries, both or neither of upload_name and dest_filename, and callers without the permissions", async () => {
    const config = JSON.stringify({ Client: { server_urls: [s.url], token } });
    expect((await vql(`SELECT * FROM deb_create(server=TRUE, config='${config}')`)).logs).toEqual([expect.stringMatching(/ERROR deb_create: server=TRUE: Talon builds client \(agent\) packages only/)]);
    expect((await vql(`SELECT repack(config='${config}', upload_name='x', binaries=['Tool']) AS R FROM scope()`)).logs).toEqual([expect.stringMatching(/ERROR repack: binaries:/)]);
    expect((await vql(`SELECT repack(config='${config}', target='VelociraptorWindowsMSI', upload_name='x.msi') AS R FROM scope()`)).logs).toEqual([expect.stringMatching(/does not repack MSI installers/)]);
    expect((await vql(`SELECT repack(config='${config}') AS R FROM scope()`)).logs).toEqual([expect.stringMatching(/One of dest_filename or upload_name should be provided/)]);
    expect((await vql(`SELECT repack(config='${config}', upload_name='a', dest_filename='/tmp/b') AS R FROM scope()`)).logs).toEqual([expect.stringMatching(/One of dest_filename or upload_name should be provided/)]);
    expect((await vql(`SELECT repack(config='{"Client":{}}', upload_name='a') AS R FROM scope()`)).logs).toEqual([expect.stringMatching(/Invalid client config provided: Client.server_urls/)]);
    const denied = await vql(`SELECT * FROM rpm_create(config='${config}')`, analyst);
    expect(denied.rows).toEqual([]);
    expect(denied.logs.join("\n")).toMatch(/permission denied: `rpm_create\(\)` needs/);
  });
});
