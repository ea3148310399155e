// mock() reaching into called artifacts: a plugin mocked in the calling query is mocked inside
// the sources of Artifact.X() (they run in the same run), and mock(artifact=Artifact.X) replaces
// the artifact itself, as in Velociraptor's artifact tests.
import { describe, expect, it } from "vitest";
import { artifactCallPlugin, loadArtifact, type Artifact } from "@/engine/artifacts";
import { collect } from "@/engine/vql/eval/testing";
import { definePlugin } from "@/engine/vql";

const YAML = `name: Test.Host.Info
sources:
  - query: SELECT OS, upcase(string=OS) AS Up FROM hostinfo()
`;

const hostinfo = definePlugin({ name: "hostinfo", doc: "", category: "test", args: {}, *run() { yield { OS: "linux" }; } });

function resolver() {
  const a = loadArtifact(YAML).artifact as Artifact;
  return (dotted: string) => artifactCallPlugin((n) => (n === a.name ? a : undefined), dotted);
}

describe("mock() and called artifacts", () => {
  it("a mocked host plugin is mocked inside Artifact.X()", async () => {
    const r = await collect(
      `SELECT * FROM Artifact.Test.Host.Info()
       LET _ <= mock(plugin='hostinfo', results=[dict(OS='windows')])
       SELECT * FROM Artifact.Test.Host.Info()
       SELECT mock_check(plugin='hostinfo', expected_calls=1) AS C FROM scope()`,
      { extra: [hostinfo], resolvePlugin: resolver() },
    );
    expect(r.rows).toEqual(['{"OS":"linux","Up":"LINUX"}', '{"OS":"windows","Up":"WINDOWS"}', '{"C":{"Error":"OK"}}']);
  });

  it("mock(artifact=Artifact.X) replaces the artifact's rows", async () => {
    const r = await collect(
      `LET _ <= mock(artifact=Artifact.Test.Host.Info, results=[dict(OS='mocked')])
       SELECT * FROM Artifact.Test.Host.Info()`,
      { extra: [hostinfo], resolvePlugin: resolver() },
    );
    expect(r.rows).toEqual(['{"OS":"mocked"}']);
  });
});
