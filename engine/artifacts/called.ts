// The artifacts a query calls as `Artifact.Name(...)` or `Artifact.Name.Source(...)`, found in
// its text and followed through the called artifacts' own queries, preconditions and exports
// (depth and count bounded). The server sends them with a collection or an event table so the
// agent resolves those calls itself, as Velociraptor sends the artifacts a request depends on.
import type { Artifact } from "./types";

const CALL = /\bArtifact\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\(/g;
const MAX_ARTIFACTS = 100;

function texts(a: Artifact): string[] {
  return [a.export?.text ?? "", a.precondition?.text ?? "", ...a.sources.flatMap((s) => [s.query?.text ?? "", s.precondition?.text ?? ""])];
}

/** Resolves `Name` or `Name.Source` the way `Artifact.X()` does: the whole name, else its parent. */
function resolve(dotted: string, lookup: (name: string) => Artifact | undefined): Artifact | undefined {
  const whole = lookup(dotted);
  if (whole) return whole;
  const cut = dotted.lastIndexOf(".");
  return cut > 0 ? lookup(dotted.slice(0, cut)) : undefined;
}

export function calledArtifacts(queries: string[], lookup: (name: string) => Artifact | undefined): Artifact[] {
  const found = new Map<string, Artifact>();
  const pending = [...queries];
  while (pending.length && found.size < MAX_ARTIFACTS) {
    const text = pending.pop()!;
    for (const m of text.matchAll(CALL)) {
      const a = resolve(m[1]!, lookup);
      if (!a || found.has(a.name)) continue;
      found.set(a.name, a);
      pending.push(...texts(a));
      if (found.size >= MAX_ARTIFACTS) break;
    }
  }
  return [...found.values()];
}
