// Velociraptor's Server.Utils.ArtifactVerifier (read from the corpus, not copied) on a real test
// server with the real repository: saved as a custom artifact and called as
// Artifact.Server.Utils.ArtifactVerifier() through the server's query runner (its workers), it
// globs YAML files on the server's host, adds each to a query-local repository with
// artifact_set(repository="local") and checks each with verify(). Expected: a clean artifact
// passes, one with a VQL syntax error fails with that error, one calling an unknown function
// passes with a warning, and nothing is saved to the server's repository.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TALON_VERSION } from "@/engine/server/version";
import { toJsonValue } from "@/engine/vql";
import { corpusDir } from "@/engine/vql/testdata/load-corpus";
import { permissionsOf } from "../server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { startTestServer, type TestServer } from "./harness";

const admin: Principal = { userId: "alice", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const VERIFIER = join(corpusDir, "Server", "Utils", "ArtifactVerifier.yaml");

const GOOD = "name: Custom.Check.Good\ntype: SERVER\nsources:\n  - query: SELECT 1 AS One FROM scope()\n";
const BROKEN = "name: Custom.Check.Broken\ntype: SERVER\nsources:\n  - query: SELECT * FROM\n";
const WARNS = "name: Custom.Check.Warns\ntype: SERVER\nsources:\n  - query: SELECT nosuchfunction() AS X FROM scope()\n";

describe("Server.Utils.ArtifactVerifier on a test server", () => {
  const dir = mkdtempSync(join(tmpdir(), "talon-verifier-"));
  let s: TestServer;

  beforeAll(async () => {
    writeFileSync(join(dir, "good.yaml"), GOOD);
    writeFileSync(join(dir, "broken.yaml"), BROKEN);
    writeFileSync(join(dir, "warns.yaml"), WARNS);
    s = await startTestServer({ agentHeartbeatMs: 60_000, interrogationsPerSecond: 0 });
    await s.engine.artifacts.set(admin, readFileSync(VERIFIER, "utf8"));
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports each file's result and the summary", async () => {
    const rows: Record<string, unknown>[] = [];
    const logs: string[] = [];
    const vql = `SELECT metadata, summary, artifacts, results FROM Artifact.Server.Utils.ArtifactVerifier(SearchGlob=Glob)`;
    for await (const e of s.engine.queries.run(vql, { principal: admin, env: { Glob: join(dir, "*.yaml") } })) {
      if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
      if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
    }
    expect(rows, logs.join("\n")).toHaveLength(1);
    const row = rows[0]!;
    // config.version: the server's version block (Velociraptor's ClientConfig.version).
    expect((row.metadata as { name: string; version: string }).name).toBe("talon");
    expect((row.metadata as { version: string }).version).toBe(TALON_VERSION);
    expect(row.summary).toEqual({ total: 3, passed: 2, failed: 1, warnings: 1 });
    const results = (row.results as Array<{ name: string; path: string; passed: boolean; errors: string[]; warnings: string[] }>).sort((a, b) => a.name.localeCompare(b.name));
    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ["Custom.Check.Broken", false],
      ["Custom.Check.Good", true],
      ["Custom.Check.Warns", true],
    ]);
    expect(results[0]!.path).toBe(join(dir, "broken.yaml"));
    // The broken query is on line 4 of its file.
    expect(results[0]!.errors).toHaveLength(1);
    expect(results[0]!.errors[0]).toMatch(/^Custom\.Check\.Broken:4:\d+: error VQL\d+: /);
    expect(results[1]!.errors).toEqual([]);
    expect(results[1]!.warnings).toEqual([]);
    expect(results[2]!.warnings).toHaveLength(1);
    expect(results[2]!.warnings[0]).toContain("nosuchfunction");
    expect([...(row.artifacts as string[])].sort()).toEqual(["Custom.Check.Broken", "Custom.Check.Good", "Custom.Check.Warns"]);
    // artifact_set(repository="local") saved nothing.
    expect(s.engine.artifacts.get("Custom.Check.Good", { exact: true })).toBeUndefined();
  }, 60_000);
});
