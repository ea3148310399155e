// Artifact `resources` as a collection's defaults and `aliases` as names (issue 15, item 5).
// Velociraptor services/launcher/launcher.go CompileCollectorArgs: an artifact's
// resources.timeout is its queries' timeout unless the request sets one, and the request's
// max_rows / max_upload_bytes default to the largest of its artifacts' resources.
// services/repository/repository.go stores a copy of an artifact under each alias, named by
// the alias.
import { describe, expect, it } from "vitest";
import { loadArtifact, type Artifact } from "@/engine/artifacts";
import type { ServiceDeps } from "@/engine/server/contracts";
import { admin } from "@/engine/server/plugins/testing";
import { Repository } from "../artifacts/repository";
import { DEFAULT_MAX_ROWS, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_TIMEOUT_SEC, startCollect } from "./collect";
import { repositorySource } from "./repository-source";

function artifact(yaml: string): Artifact {
  const r = loadArtifact(yaml, { skipVql: true });
  if (!r.artifact) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r.artifact;
}

const slow = artifact(`name: Test.Slow
aliases: [Test.OldSlow]
resources:
  timeout: 3600
  max_rows: 5000000
  max_upload_bytes: 2000
sources:
  - query: SELECT * FROM info()
`);
const plain = artifact(`name: Test.Plain
sources:
  - query: SELECT * FROM info()
`);

function repo() {
  const noLog = { info() {}, warn() {}, error() {}, debug() {} } as unknown as ConstructorParameters<typeof Repository>[2];
  const r = new Repository("Custom.", (() => []) as unknown as ConstructorParameters<typeof Repository>[1], noLog);
  r.builtins.set(slow.name, slow);
  r.builtins.set(plain.name, plain);
  return r;
}

function prepare() {
  const deps = { database: { db: undefined } } as unknown as ServiceDeps;
  const r = repo();
  const source = repositorySource({ get: (name, o) => r.get(name, o?.exact), all: () => r.all() });
  return startCollect(deps, { artifacts: source, serverHostIds: async () => new Set(), dispatch: async () => {}, changed: () => {} }).prepare;
}

describe("artifact resources set a collection's defaults", () => {
  it("the artifact's timeout for its sources, the largest max_rows and max_upload_bytes", async () => {
    const req = await prepare()(admin, { artifacts: ["Test.Slow", "Test.Plain"] });
    expect(req.compiled.map((c) => [c.name, c.timeoutMs])).toEqual([["Test.Slow", 3_600_000], ["Test.Plain", undefined]]);
    // The collection's timeout is the longest its sources run with: Test.Slow's hour.
    expect(req.timeoutMs).toBe(3_600_000);
    expect(req.maxRows).toBe(5_000_000);
    expect(req.maxUploadBytes).toBe(2000);
  });
  it("values given with the request win", async () => {
    const req = await prepare()(admin, { artifacts: ["Test.Slow"], timeoutSec: 60, maxRows: 10, maxUploadBytes: 5 });
    expect(req.compiled[0]!.timeoutMs).toBeUndefined();
    expect([req.timeoutMs, req.maxRows, req.maxUploadBytes]).toEqual([60_000, 10, 5]);
  });
  it("artifacts without resources keep Talon's defaults", async () => {
    const req = await prepare()(admin, { artifacts: ["Test.Plain"] });
    expect([req.timeoutMs, req.maxRows, req.maxUploadBytes]).toEqual([DEFAULT_TIMEOUT_SEC * 1000, DEFAULT_MAX_ROWS, DEFAULT_MAX_UPLOAD_BYTES]);
  });
});

describe("artifact aliases", () => {
  it("an artifact is found by an alias, under the alias's name", async () => {
    const r = repo();
    expect(r.get("Test.OldSlow")?.name).toBe("Test.OldSlow");
    expect(r.get("Test.OldSlow", true)?.sources[0]?.query?.text).toContain("info()");
    expect(r.get("Test.Nothing")).toBeUndefined();
    const req = await prepare()(admin, { artifacts: ["Test.OldSlow"] });
    expect(req.artifacts).toEqual(["Test.OldSlow"]);
    expect(req.compiled[0]!.sources[0]!.name).toBe("Test.OldSlow");
  });
});
