// The artifact repository as the flows service's ArtifactSource: CLIENT artifacts with their
// `export`/`imports` prelude prepended to every source and precondition (as Velociraptor
// compiles them), and parameter values converted to their declared types on the server, then
// sent to the agent as JSON.
import { artifactMessage, coerceParameter, type Artifact } from "../../../artifacts";
import { toJsonValue } from "../../../vql";
import type { ArtifactDefinition, ArtifactsService, ArtifactSource } from "../types";

function toDefinition(a: Artifact, repo: Pick<ArtifactsService, "get">): ArtifactDefinition {
  const prelude = [...a.imports.map((i) => repo.get(i, { exact: true })?.export?.text ?? ""), a.export?.text ?? ""].filter(Boolean).join("\n");
  const withPrelude = (text: string) => (prelude ? `${prelude}\n${text}` : text);
  return {
    name: a.name,
    type: a.type,
    description: a.description,
    parameters: a.parameters.map((p) => ({ name: p.name, type: p.type, description: p.description, ...(p.hasDefault ? { default: p.default } : {}) })),
    ...(a.precondition ? { precondition: withPrelude(a.precondition.text) } : {}),
    sources: a.sources
      .filter((s) => s.query)
      .map((s) => ({ ...(s.name ? { name: s.name } : {}), ...(s.precondition ? { precondition: withPrelude(s.precondition.text) } : {}), query: withPrelude(s.query!.text) })),
    requiredPermissions: a.requiredPermissions,
  };
}

export function repositorySource(repo: () => Pick<ArtifactsService, "get" | "all"> | undefined): ArtifactSource {
  return {
    get(name) {
      const r = repo();
      const a = r?.get(name);
      return a && r ? toDefinition(a, r) : undefined;
    },
    list() {
      const r = repo();
      if (!r) return [];
      return r
        .all()
        .filter((a) => a.type === "CLIENT")
        .map((a) => toDefinition(a, r));
    },
    resolveParameters(name, given) {
      const a = repo()?.get(name);
      if (!a) return { ok: false, error: `no artifact named ${name}` };
      const declared = new Set(a.parameters.map((p) => p.name));
      for (const k of Object.keys(given)) {
        if (!declared.has(k)) return { ok: false, error: artifactMessage("ART3003", [k, a.name, ""]) };
      }
      const env: Record<string, unknown> = {};
      for (const p of a.parameters) {
        const raw = given[p.name] !== undefined ? given[p.name] : p.default;
        const c = coerceParameter(p, raw);
        if (!c.ok) return { ok: false, error: artifactMessage("ART3004", [p.name, a.name, c.expected, c.reason]) };
        env[p.name] = toJsonValue(c.value);
      }
      return { ok: true, env };
    },
  };
}
