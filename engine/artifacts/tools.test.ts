// An artifact's `tools:` section as the inventory reads it.
import { describe, expect, it } from "vitest";
import { loadArtifact } from "./load";
import { artifactTools, toolsOfAll } from "./tools";

const yaml = `name: Custom.T
sources:
  - query: SELECT 1 FROM scope()
tools:
  - name: Autoruns
    url: https://download.sysinternals.com/files/Autoruns.zip
    serve_locally: Y
    expected_hash: ABCDEF
    version: "14.1"
  - name: Plain
    github_project: Velocidex/velociraptor
    github_asset_regex: linux-amd64$
  - url: https://no.name/
  - just a string
`;

describe("artifactTools", () => {
  it("reads each named tool with Velociraptor's fields (serve_locally as a bool, the hash in lower case), skipping entries without a name", () => {
    const a = loadArtifact(yaml).artifact!;
    expect(artifactTools(a)).toEqual([
      { name: "Autoruns", url: "https://download.sysinternals.com/files/Autoruns.zip", serveLocally: true, expectedHash: "abcdef", version: "14.1" },
      { name: "Plain", githubProject: "Velocidex/velociraptor", githubAssetRegex: "linux-amd64$" },
    ]);
    expect(artifactTools({ extra: {} })).toEqual([]);
  });

  it("toolsOfAll() keeps the first definition of a name and version", () => {
    const one = { extra: { tools: [{ name: "A", url: "https://1.example/a" }] } };
    const two = { extra: { tools: [{ name: "A", url: "https://2.example/a" }, { name: "A", version: "2", url: "https://2.example/a2" }] } };
    expect(toolsOfAll([one, two])).toEqual([
      { name: "A", url: "https://1.example/a" },
      { name: "A", version: "2", url: "https://2.example/a2" },
    ]);
  });
});
