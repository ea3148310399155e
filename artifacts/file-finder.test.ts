// Linux.Search.FileFinder collected as a flow collects it: parameters resolved and turned into
// JSON by the repository source (what the agent receives), the compiled query run by the agent's
// VQL runner on this machine. Checks the launcher's conversions end to end: unset timestamps are
// the zero time (false in `NOT ModifiedAfter`), a set one compares with Mtime, csv rows feed glob().
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadArtifact, type Artifact } from "@/engine/artifacts";
import { MemoryOutbox } from "@/engine/client/connection/outbox";
import { createVqlRunner } from "@/engine/client/executor/vql-runner";
import { createLinuxSystem } from "@/engine/client/plugins/linux";
import { FlowResponder } from "@/engine/client/responder/responder";
import { BUILTIN_DEFINITIONS_DIR, readArtifactFiles } from "@/engine/server/services/artifacts/files";
import { repositorySource } from "@/engine/server/services/flows/repository-source";

const dir = mkdtempSync(join(tmpdir(), "talon-file-finder-"));
const artifacts = new Map<string, Artifact>();
beforeAll(async () => {
  for (const f of await readArtifactFiles([BUILTIN_DEFINITIONS_DIR])) {
    const a = loadArtifact(f.text).artifact;
    if (a) artifacts.set(a.name, a);
  }
  writeFileSync(join(dir, "old.txt"), "old");
  utimesSync(join(dir, "old.txt"), new Date("2020-01-01T00:00:00Z"), new Date("2020-01-01T00:00:00Z"));
  writeFileSync(join(dir, "new.txt"), "new");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(parameters: Record<string, string>, name = "Linux.Search.FileFinder"): Promise<string[]> {
  const repo = { get: (n: string) => artifacts.get(n), all: () => [...artifacts.values()] };
  const source = repositorySource(repo as never);
  const def = (await source.get(name))!;
  const env = source.resolveParameters!(name, parameters);
  if (!env.ok) throw new Error(env.error);
  // What the agent gets: JSON.
  const wire = JSON.parse(JSON.stringify(env.env)) as Record<string, unknown>;
  const ctx = { flowId: "F.FF", artifact: def.name, env: wire, signal: new AbortController().signal, maxRows: 1000, permissions: new Set<string>(), responder: new FlowResponder(new MemoryOutbox(), "F.FF") };
  const names: string[] = [];
  for await (const e of createVqlRunner(createLinuxSystem()).run(def.sources[0]!.query, ctx)) if (e.kind === "row") names.push(String(e.row.Name));
  return names.sort();
}

describe("Linux.Search.FileFinder parameters", () => {
  const table = () => `Glob\n${dir}/*.txt\n`;

  it("finds every file when no time is set (unset timestamps are the zero time)", async () => {
    expect(await collect({ SearchFilesGlobTable: table() })).toEqual(["new.txt", "old.txt"]);
  });

  it("with only ModifiedBefore set, finds the files modified before it", async () => {
    expect(await collect({ SearchFilesGlobTable: table(), ModifiedBefore: "2021-01-01T00:00:00Z" })).toEqual(["old.txt"]);
  });

  it("with only ModifiedAfter set, finds the files modified after it", async () => {
    expect(await collect({ SearchFilesGlobTable: table(), ModifiedAfter: "2021-01-01T00:00:00Z" })).toEqual(["new.txt"]);
  });

  it("compares unset parameters as Velociraptor does: any time is after the zero time, any size above 0", async () => {
    // Written the way many Velociraptor artifacts are, without `NOT X OR` guards.
    const a = loadArtifact(`name: Test.Unguarded
parameters:
  - name: Globs
    type: csv
  - name: DateAfter
    type: timestamp
  - name: MinSize
    type: int
sources:
  - query: |
      SELECT Name FROM glob(globs=Globs.Glob)
      WHERE Mtime > DateAfter AND Size > MinSize AND NOT DateAfter AND DateAfter.Unix = -62135596800
`).artifact!;
    artifacts.set(a.name, a);
    expect(await collect({ Globs: table() }, a.name)).toEqual(["new.txt", "old.txt"]);
  });
});
