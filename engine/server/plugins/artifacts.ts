// Server VQL over the artifact repository: artifact_definitions() lists definitions (with the
// artifacts they call, when asked), artifact_set() saves a custom artifact (or adds it to a
// query-local repository), artifact_delete() removes one. Writing needs ARTIFACT_WRITER, or SERVER_ARTIFACT_WRITER for server types: the
// repository checks it, since it depends on the artifact's type.
import { toVqlValue } from "../../artifacts/parameters";
import { isServerType, type Artifact } from "../../artifacts";
import { collect } from "../../vql/ast/walk";
import { arg, defineFunction, definePlugin, parse, type Builtin, type BuiltinContext } from "../../vql";
import { requirePermission, type ArtifactsService, type Principal, type VqlServices } from "@/engine/server/contracts";
import { openLocalRepository } from "./local-repository";
import { untilAborted } from "../../vql";
import { serverHost } from "./host";

/** An artifact as VQL sees it: Velociraptor's field names, VQL as text, the YAML as `raw`. */
export function artifactAsRow(a: Artifact): unknown {
  return toVqlValue({
    name: a.name,
    description: a.description,
    author: a.author,
    type: a.type,
    parameters: a.parameters.map((p) => ({ name: p.name, type: p.type, default: p.default, description: p.description, ...(p.choices ? { choices: p.choices } : {}) })),
    precondition: a.precondition?.text ?? "",
    export: a.export?.text ?? "",
    imports: a.imports,
    sources: a.sources.map((s) => ({ name: s.name, description: s.description, precondition: s.precondition?.text ?? "", query: s.query?.text ?? "" })),
    required_permissions: a.requiredPermissions,
    resources: { ...a.resources },
    column_types: a.columnTypes,
    raw: a.raw,
  });
}

/** Names of the artifacts `a` uses: its imports and every `Artifact.X()` it calls. */
export function dependenciesOf(a: Artifact, repo: Pick<ArtifactsService, "get">): string[] {
  const out = new Set(a.imports);
  const texts = [a.precondition, a.export, ...a.sources.flatMap((s) => [s.precondition, s.query])];
  for (const block of texts) {
    if (!block) continue;
    for (const call of collect(parse(block.text).statements, "plugin")) {
      const parts = call.name.map((n) => n.name);
      if (parts[0] !== "Artifact" || parts.length < 2) continue;
      const full = parts.slice(1).join(".");
      const name = repo.get(full, { exact: true }) ? full : parts.slice(1, -1).join(".");
      if (name) out.add(name);
    }
  }
  return [...out];
}

const artifactDefinitions = definePlugin({
  name: "artifact_definitions",
  category: "server",
  doc: "Artifact definitions from the repository: all of them, or those named (and what they use, with deps).",
  args: {
    names: arg.list(arg.string()).doc("Only these artifacts (all when empty)."),
    deps: arg.bool().doc("Also return the artifacts the named ones import or call."),
    // Velociraptor declares sanitize (vql/server/repository.go) and never reads it.
    sanitize: arg.bool().doc("Accepted for Velociraptor's queries; as there, it changes nothing."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  *run({ names, deps }, ctx) {
    const { services } = serverHost(ctx.host);
    const repo = services.artifacts;
    const wanted = names?.length ? names : repo.all().map((a) => a.name).sort();
    const seen = new Set<string>();
    const queue = [...wanted];
    while (queue.length) {
      ctx.signal.throwIfAborted();
      const name = queue.shift()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const a = repo.get(name, { exact: true });
      if (!a) {
        ctx.log("WARN", `artifact_definitions: no artifact named ${name}`);
        continue;
      }
      if (deps) queue.push(...dependenciesOf(a, repo));
      yield artifactAsRow(a);
    }
  },
});

const artifactSet = defineFunction({
  name: "artifact_set",
  category: "server",
  doc: "Saves a custom artifact from its YAML (needs ARTIFACT_WRITER, or SERVER_ARTIFACT_WRITER for server types) and returns its definition; with `repository`, adds it to that query-local repository instead (nothing is saved).",
  args: {
    definition: arg.string().required().doc("The artifact's YAML."),
    prefix: arg.string().doc("A prefix the name must have (default none: any valid name but a built-in's, as in Velociraptor)."),
    repository: arg.string().doc("Add the artifact to this query-local repository (for verify()) instead of the server's."),
  },
  platforms: ["server"],
  sideEffects: true,
  async run({ definition, prefix, repository }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    if (repository) return setLocal(ctx, principal, services, definition, repository);
    const d = await untilAborted(services.artifacts.set(principal, definition, prefix === undefined ? {} : { prefix }), ctx.signal);
    return artifactAsRow(d.artifact);
  },
});

/**
 * artifact_set(repository=X): checked as verify() checks (a built-in's name is allowed, since a
 * local copy overrides nothing), the writer permission for its type still needed, as in
 * Velociraptor; kept in the run's repository X.
 */
async function setLocal(ctx: BuiltinContext, principal: Principal, services: VqlServices, yaml: string, name: string): Promise<unknown> {
  const { repo, created } = openLocalRepository(ctx, name);
  if (created) ctx.log("INFO", `artifact_set: creating new repository '${name}'`);
  const extra = [...repo.values()].map((a) => ({ name: a.name, export: a.export?.text }));
  const r = await untilAborted(Promise.resolve(services.artifacts.validate(yaml, { allowBuiltinNames: true, extra })), ctx.signal);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (!r.artifact || errors.length) {
    ctx.log("ERROR", `artifact_set: ${errors.map((d) => d.message).join("; ") || "the definition does not load"}`);
    return null;
  }
  requirePermission(principal, isServerType(r.artifact.type) ? "SERVER_ARTIFACT_WRITER" : "ARTIFACT_WRITER");
  repo.set(r.artifact.name, r.artifact);
  ctx.log("INFO", `artifact_set: added ${r.artifact.name} to repository '${name}'`);
  return artifactAsRow(r.artifact);
}

const artifactDelete = defineFunction({
  name: "artifact_delete",
  category: "server",
  doc: "Deletes a custom artifact (needs the writer permission for its type); returns its name.",
  args: {
    name: arg.string().required().doc("The custom artifact to delete."),
  },
  platforms: ["server"],
  sideEffects: true,
  async run({ name }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    await untilAborted(services.artifacts.delete(principal, name), ctx.signal);
    return name;
  },
});

export const artifactBuiltins: readonly Builtin[] = [artifactDefinitions, artifactSet, artifactDelete];
