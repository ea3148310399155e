// upload and upload_file parameters as a collection runs them on the agent: the form sends the
// picked file as a base64 data: URL; `upload` gives the query the file's exact bytes, and
// `upload_file` the path of a temporary file holding them (removed when the query ends), as
// Velociraptor's Demo.Plugins.GUI describes the two types. A value typed by hand stays text.
import { describe, expect, it, vi } from "vitest";
import { existsSync } from "node:fs";
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
    permissions: new Set(["FILESYSTEM_WRITE", "FILESYSTEM_READ"]),
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

  it("an empty upload stays empty (false in a condition) and a typed path or URL is kept as text", async () => {
    const empty = await collect({});
    expect(empty.rows[0]!.Content).toBe("");
    expect(empty.rows[0]!.Path).toBe("");
    const typed = await collect({ Content: "https://example.invalid/rules.yar", Path: "/etc/hostname" });
    expect(typed.rows[0]!.Content).toBe("https://example.invalid/rules.yar");
    expect(typed.rows[0]!.Path).toBe("/etc/hostname");
  });
});
