// upload and upload_file parameters as a collection runs them on the agent: the form sends the
// picked file as a base64 data: URL; `upload` gives the query the file's exact bytes, and
// `upload_file` the path of a temporary file holding them (removed when the query ends), as
// Velociraptor's Demo.Plugins.GUI describes the two types. An http(s) URL is fetched with
// http_client where the query runs (Velociraptor's launcher); another typed value stays text.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { compileArtifact, loadArtifact, resolveParameters } from "@/engine/artifacts";
import { MemoryOutbox } from "@/engine/client/connection/outbox";
import { createVqlRunner } from "@/engine/client/executor/vql-runner";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { FlowResponder } from "@/engine/client/responder/responder";

const YAML = `name: Test.Uploads
type: CLIENT
parameters:
  - name: Content
    type: upload
  - name: Path
    type: upload_file
sources:
  - query: |
      SELECT Content, len(list=Content) AS ContentBytes, Path,
             len(list=read_file(filename=Path)) AS FileBytes, hash(path=Path).SHA256 AS FileSha256
      FROM scope()
`;

async function collect(parameters: Record<string, string>) {
  const a = loadArtifact(YAML).artifact!;
  const [source] = compileArtifact(a, () => undefined).sources;
  const env = resolveParameters(a, parameters);
  if (!env.ok) throw new Error(env.error);
  const ctx = {
    flowId: "F.UP",
    artifact: a.name,
    env: env.env,
    signal: new AbortController().signal,
    maxRows: 10,
    permissions: new Set(["FILESYSTEM_WRITE", "FILESYSTEM_READ", "NETWORK"]),
    responder: new FlowResponder(new MemoryOutbox(), "F.UP"),
  };
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of createVqlRunner(createLinuxSystem()).run(source!.query, ctx)) {
    if (e.kind === "row") rows.push(e.row);
    else if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

const dataUrl = (b: Buffer, type = "application/octet-stream") => `data:${type};base64,${b.toString("base64")}`;

describe("upload parameters", () => {
  it("upload is the picked file's text; upload_file a temporary file with its exact bytes, gone after the query", async () => {
    const text = "rule demo { condition: true }\nümlaut\n";
    const binary = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0xff, 0xfe, 0x80, 0x0a]);
    const { rows, logs } = await collect({ Content: dataUrl(Buffer.from(text), "text/plain"), Path: dataUrl(binary) });
    expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    const r = rows[0]!;
    expect(r.Content).toBe(text);
    expect(r.Path).toMatch(/^\/.*tmp[0-9a-f]{12}$/);
    // sha256 of the nine bytes, from first principles (node:crypto over the same buffer).
    const { createHash } = await import("node:crypto");
    expect(r.FileBytes).toBe(binary.length);
    expect(r.FileSha256).toBe(createHash("sha256").update(binary).digest("hex"));
    // Removal starts when the run's signal aborts at its end and completes asynchronously.
    await vi.waitFor(() => expect(existsSync(r.Path as string)).toBe(false), { timeout: 5000 });
  });

  it("an empty upload stays empty (false in a condition) and a typed path is kept as text", async () => {
    const empty = await collect({});
    expect(empty.rows[0]!.Content).toBe("");
    expect(empty.rows[0]!.Path).toBe("");
    const typed = await collect({ Content: "rule x { condition: false }", Path: "/etc/hostname" });
    expect(typed.rows[0]!.Content).toBe("rule x { condition: false }");
    expect(typed.rows[0]!.Path).toBe("/etc/hostname");
  });

  describe("an http(s) URL is fetched with http_client", () => {
    const body = Buffer.from("rule fetched { strings: $a = \"talon\" condition: $a }\n");
    const binary = Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x0a, 0x80]);
    let server: Server;
    let base = "";
    const allowBefore = process.env.TALON_HTTP_CLIENT_ALLOW;
    beforeAll(async () => {
      server = createServer((req, res) => {
        res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "application/octet-stream" });
        res.end(req.url === "/rules.yar" ? body : req.url === "/tool.bin" ? binary : "not here");
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      if (allowBefore === undefined) delete process.env.TALON_HTTP_CLIENT_ALLOW;
      else process.env.TALON_HTTP_CLIENT_ALLOW = allowBefore;
      await new Promise((r) => server.close(r));
    });

    it("upload gets the body; upload_file a temporary file with the body's exact bytes", async () => {
      process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
      const { rows, logs } = await collect({ Content: `${base}/rules.yar`, Path: `${base}/tool.bin` });
      expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
      const r = rows[0]!;
      expect(r.Content).toBe(body.toString());
      expect(r.Path).not.toBe(`${base}/tool.bin`);
      expect(r.FileBytes).toBe(binary.length);
      const { createHash } = await import("node:crypto");
      expect(r.FileSha256).toBe(createHash("sha256").update(binary).digest("hex"));
    });

    it("the fetch obeys the endpoint's outbound policy: loopback without the allow-list is refused, not fetched", async () => {
      delete process.env.TALON_HTTP_CLIENT_ALLOW;
      const { rows } = await collect({ Content: `${base}/rules.yar` });
      expect(rows[0]!.Content).toBe("refused: 127.0.0.1 is a loopback address (allow it with TALON_HTTP_CLIENT_ALLOW)");
    });
  });
});
