// verify(): checks an artifact the way the artifact editor does (the artifacts service's
// validate(): YAML, shape, names, parameters, VQL syntax and lint against the server's builtins,
// imports and Artifact.X() calls against the repository) and reports it in the shape of
// Velociraptor's verify() (vql/golang/verify.go): Artifact (the text or name given), Permissions
// (those the builtins it calls need), Errors and Warnings (NULL when none), Definitions (its
// LETs) and Suppressions. `artifact` is YAML or the name of an artifact in the repository;
// `repository` adds a query-local repository made by artifact_set(repository=...).
import { formatDiagnostic, vqlBlocks, type Artifact, type Diagnostic } from "../../artifacts";
import { collect } from "../../vql/ast/walk";
import { arg, defineFunction, OrderedDict, parse, untilAborted, type Builtin, type BuiltinContext } from "../../vql";
import { serverHost } from "./host";
import { localRepository } from "./local-repository";

function lines(yaml: string, file: string, ds: readonly Diagnostic[]): string[] | null {
  return ds.length ? ds.map((d) => formatDiagnostic(file, yaml, d)) : null;
}

/** Permissions of the builtins the artifact's VQL calls (sorted, once each), as this run's registry declares them. */
function permissionsOf(a: Artifact, ctx: BuiltinContext): string[] | null {
  const out = new Set<string>();
  for (const block of vqlBlocks(a)) {
    const { statements } = parse(block.text);
    for (const c of collect(statements, "call")) {
      if (c.name.length === 1) for (const p of ctx.builtin("function", c.name[0]!.name)?.permissions ?? []) out.add(p);
    }
    for (const c of collect(statements, "plugin")) {
      if (c.called && c.name.length === 1) for (const p of ctx.builtin("plugin", c.name[0]!.name)?.permissions ?? []) out.add(p);
    }
  }
  return out.size ? [...out].sort() : null;
}

/** The LETs of its export and sources: name and parameter names. */
function definitionsOf(a: Artifact): OrderedDict {
  const out = new OrderedDict();
  for (const block of vqlBlocks(a)) {
    for (const st of parse(block.text).statements) {
      if (st.kind !== "let") continue;
      out.set(st.name.name, new OrderedDict([["Name", st.name.name], ["Args", st.params?.map((p) => p.name.name) ?? null]]));
    }
  }
  return out;
}

export const verifyFunction = defineFunction({
  name: "verify",
  category: "server",
  doc: "Verifies an artifact (YAML, or the name of one in the repository) as the artifact editor does, and returns a dict of Artifact, Permissions, Errors, Warnings, Definitions and Suppressions.",
  args: {
    artifact: arg.string().required().doc("The artifact to verify: its YAML, or the name of an artifact in the repository."),
    repository: arg.string().doc("Also resolve names in this query-local repository (made by artifact_set(repository=...))."),
    disable_override: arg.bool().doc("Refuse a built-in artifact's name in the YAML (allowed by default)."),
  },
  version: 2,
  platforms: ["server"],
  async run({ artifact, repository, disable_override }, ctx) {
    const { services } = serverHost(ctx.host);
    const local = repository ? localRepository(ctx, repository) : undefined;
    const named = local?.get(artifact) ?? services.artifacts.get(artifact, { exact: true });
    const yaml = named ? named.raw : artifact;
    const extra = [...(local?.values() ?? [])].map((a) => ({ name: a.name, export: a.export?.text }));
    // A definition named from a repository is verified as it is there (its own name allowed).
    const r = await untilAborted(Promise.resolve(services.artifacts.validate(yaml, { allowBuiltinNames: named !== undefined || !disable_override, extra })), ctx.signal);
    const file = r.artifact?.name ?? "";
    const out = new OrderedDict([
      ["Artifact", artifact],
      ["Permissions", r.artifact ? permissionsOf(r.artifact, ctx) : null],
      ["Errors", lines(yaml, file, r.diagnostics.filter((d) => d.severity === "error"))],
      ["Warnings", lines(yaml, file, r.diagnostics.filter((d) => d.severity === "warning"))],
      ["Definitions", r.artifact ? definitionsOf(r.artifact) : new OrderedDict()],
      ["Suppressions", null],
    ]);
    return out;
  },
});

export const verifyBuiltins: readonly Builtin[] = [verifyFunction];
