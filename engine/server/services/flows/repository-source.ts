// The artifact repository as the flows service's ArtifactSource: CLIENT artifacts with their
// `export`/`imports` prelude prepended to every source and precondition (as Velociraptor
// compiles them), and parameter values converted to their declared types on the server, then
// sent to the agent as JSON. implied_permissions include those of the artifacts it calls.
import { artifactTools, calledArtifacts, preludeOf, resolveParameters, serialLets, type Artifact } from "@/engine/artifacts";
import { toJsonValue } from "@/engine/vql";
import type { ArtifactDefinition, ArtifactsService, ArtifactSource, DeclaredTool } from "@/engine/server/contracts";

/** The artifact's implied_permissions and those of the artifacts its sources call (`Artifact.X()`). */
function impliedOf(a: Artifact, repo: Pick<ArtifactsService, "get">): string[] {
  const texts = [a.precondition?.text ?? "", ...a.sources.flatMap((s) => [s.query?.text ?? "", s.precondition?.text ?? ""])];
  const called = calledArtifacts(texts, (n) => repo.get(n, { exact: true }));
  return [...new Set([...a.impliedPermissions, ...called.flatMap((c) => c.impliedPermissions)])];
}

/** The tools the artifact and the artifacts it calls declare, each with the artifact declaring it (the artifact's own first). */
function toolsOf(a: Artifact, repo: Pick<ArtifactsService, "get">): DeclaredTool[] {
  const texts = [a.precondition?.text ?? "", ...a.sources.flatMap((s) => [s.query?.text ?? "", s.precondition?.text ?? ""])];
  const seen = new Set<string>();
  const out: DeclaredTool[] = [];
  for (const x of [a, ...calledArtifacts(texts, (n) => repo.get(n, { exact: true }))]) {
    for (const t of artifactTools(x)) {
      const key = `${t.name}\u0000${t.version ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...t, artifact: x.name });
    }
  }
  return out;
}

/** The `resources` a collection takes its defaults from (positive values only). */
function resourcesOf(a: Artifact): ArtifactDefinition["resources"] {
  const { timeout, maxRows, maxUploadBytes } = a.resources;
  const out: NonNullable<ArtifactDefinition["resources"]> = {};
  if (timeout && timeout > 0) out.timeout = timeout;
  if (maxRows && maxRows > 0) out.maxRows = maxRows;
  if (maxUploadBytes && maxUploadBytes > 0) out.maxUploadBytes = maxUploadBytes;
  return Object.keys(out).length ? out : undefined;
}

function toDefinition(a: Artifact, repo: Pick<ArtifactsService, "get">): ArtifactDefinition {
  const prelude = preludeOf(a, (i) => repo.get(i, { exact: true }));
  const withPrelude = (text: string) => (prelude ? `${prelude}\n${text}` : text);
  // Serial mode: each source also gets the LETs of the sources before it (serial.ts).
  const earlier = serialLets(a);
  const tools = toolsOf(a, repo);
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
    ...(resourcesOf(a) ? { resources: resourcesOf(a) } : {}),
    ...(tools.length ? { tools } : {}),
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
