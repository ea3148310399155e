// The artifact repository as the flows service's ArtifactSource: CLIENT artifacts with their
// `export`/`imports` prelude prepended to every source and precondition (as Velociraptor
// compiles them), and parameter values converted to their declared types on the server, then
// sent to the agent as JSON. implied_permissions include those of the artifacts it calls.
import { calledArtifacts, preludeOf, resolveParameters, serialLets, type Artifact } from "@/engine/artifacts";
import { toJsonValue } from "@/engine/vql";
import type { ArtifactDefinition, ArtifactsService, ArtifactSource } from "@/engine/server/contracts";

/** The artifact's implied_permissions and those of the artifacts its sources call (`Artifact.X()`). */
function impliedOf(a: Artifact, repo: Pick<ArtifactsService, "get">): string[] {
  const texts = [a.precondition?.text ?? "", ...a.sources.flatMap((s) => [s.query?.text ?? "", s.precondition?.text ?? ""])];
  const called = calledArtifacts(texts, (n) => repo.get(n, { exact: true }));
  return [...new Set([...a.impliedPermissions, ...called.flatMap((c) => c.impliedPermissions)])];
}

function toDefinition(a: Artifact, repo: Pick<ArtifactsService, "get">): ArtifactDefinition {
  const prelude = preludeOf(a, (i) => repo.get(i, { exact: true }));
  const withPrelude = (text: string) => (prelude ? `${prelude}\n${text}` : text);
  // Serial mode: each source also gets the LETs of the sources before it (serial.ts).
  const earlier = serialLets(a);
  return {
    name: a.name,
    type: a.type,
    description: a.description,
    parameters: a.parameters.map((p) => ({
      name: p.name,
      type: p.type,
      description: p.description,
      ...(p.hasDefault ? { default: p.default } : {}),
      ...(p.choices?.length ? { choices: p.choices } : {}),
      ...(p.friendlyName ? { friendlyName: p.friendlyName } : {}),
      ...(p.validatingRegex ? { validatingRegex: p.validatingRegex } : {}),
    })),
    ...(a.precondition ? { precondition: withPrelude(a.precondition.text) } : {}),
    sources: a.sources
      .filter((s) => s.query)
      .map((s, i) => ({ ...(s.name ? { name: s.name } : {}), ...(s.precondition ? { precondition: withPrelude(s.precondition.text) } : {}), query: withPrelude(earlier[i] ? `${earlier[i]}\n${s.query!.text}` : s.query!.text) })),
    requiredPermissions: a.requiredPermissions,
    impliedPermissions: impliedOf(a, repo),
  };
}

export function repositorySource(r: Pick<ArtifactsService, "get" | "all">): ArtifactSource {
  return {
    get(name) {
      const a = r.get(name);
      return a ? toDefinition(a, r) : undefined;
    },
    list() {
      return r
        .all()
        .filter((a) => a.type === "CLIENT")
        .map((a) => toDefinition(a, r));
    },
    called(queries) {
      return calledArtifacts(queries, (n) => r.get(n, { exact: true })).map((a) => ({ name: a.name, yaml: a.raw }));
    },
    resolveParameters(name, given) {
      const a = r.get(name);
      if (!a) return { ok: false, error: `no artifact named ${name}` };
      const resolved = resolveParameters(a, given);
      if (!resolved.ok) return resolved;
      // Sent to the agent as JSON: typed values (timestamps, regexes...) in their JSON form.
      const env: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(resolved.env)) env[k] = toJsonValue(v);
      return { ok: true, env, warnings: resolved.warnings };
    },
  };
}
