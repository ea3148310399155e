// Velociraptor's query-local artifact repositories: `artifact_set(repository=X)` adds a
// definition to repository X of this run only (nothing is saved), and `verify(repository=X)`
// checks against the server's repository plus X. They last for the run (BuiltinContext.runShared).
import type { Artifact } from "../../artifacts";
import type { BuiltinContext } from "../../vql";

const REPOSITORIES = Symbol("query-local artifact repositories");

/** The run's repository `name`, or undefined when no artifact_set() made it. */
export function localRepository(ctx: BuiltinContext, name: string): Map<string, Artifact> | undefined {
  return ctx.runShared(REPOSITORIES, () => new Map<string, Map<string, Artifact>>()).get(name);
}

/** The run's repository `name`, made on first use (`created` says whether this call made it). */
export function openLocalRepository(ctx: BuiltinContext, name: string): { repo: Map<string, Artifact>; created: boolean } {
  const all = ctx.runShared(REPOSITORIES, () => new Map<string, Map<string, Artifact>>());
  const repo = all.get(name);
  if (repo) return { repo, created: false };
  const made = new Map<string, Artifact>();
  all.set(name, made);
  return { repo: made, created: true };
}
