// `Artifact.X()` on the agent: the definitions the server sent with a collection or an event
// table (the artifacts its sources call), loaded once per request and resolved the way the
// server resolves them. A definition that does not load is left out (its calls stay unknown
// and the query's log says so).
import { artifactCallPlugin, loadArtifact, type Artifact } from "../../artifacts";
import type { Definitions } from "../../protocol";
import type { PluginLike } from "../../vql";

export function definitionsResolver(defs: Definitions | undefined): ((dottedName: string) => PluginLike | undefined) | undefined {
  if (!defs?.length) return undefined;
  const byName = new Map<string, Artifact>();
  for (const d of defs) {
    const a = loadArtifact(d.yaml).artifact;
    if (a) byName.set(a.name, a);
  }
  const lookup = (name: string) => byName.get(name);
  return (dotted) => artifactCallPlugin(lookup, dotted);
}
