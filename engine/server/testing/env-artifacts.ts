// TEST ONLY: artifact definitions from the JSON file named by TALON_TEST_ARTIFACTS, for the e2e
// suite and the pool benchmark while the artifact repository (issue 4) is not wired to the
// flows service. Without the variable there is no provider. The lead replaces this with the
// repository; nothing in production sets the variable.
import { readFileSync } from "node:fs";
import type { ArtifactDefinition, ArtifactSource } from "../services/types";

let cached: { path: string; source: ArtifactSource } | undefined;

export function envTestArtifacts(): ArtifactSource | undefined {
  const path = process.env.TALON_TEST_ARTIFACTS;
  if (!path) return undefined;
  if (cached?.path === path) return cached.source;
  const defs = JSON.parse(readFileSync(path, "utf8")) as ArtifactDefinition[];
  const byName = new Map(defs.map((d) => [d.name, d]));
  cached = { path, source: { get: (name) => byName.get(name), list: () => defs } };
  return cached.source;
}
