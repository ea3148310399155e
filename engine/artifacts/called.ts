// The artifacts a query calls as `Artifact.Name(...)` or `Artifact.Name.Source(...)`, or names
// as string literals in `collect(artifacts=...)`, found in its text and followed through the
// called artifacts' own queries, preconditions and exports (depth and count bounded). The server sends them with a collection or an event table so the
// agent resolves those calls itself, as Velociraptor sends the artifacts a request depends on.
import type { Artifact } from "./types";

const CALL = /\bArtifact\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\(/g;
const MAX_ARTIFACTS = 100;
const COLLECT = /\bcollect\s*\(/g;
const ARTIFACTS_ARG = /\bartifacts\s*=\s*(\[[^\]]*\]|'[^']*'|"[^"]*")/;

/** The string literals of each `collect(artifacts=...)` in `text` (the call's text up to its closing parenthesis). */
function collectedNames(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(COLLECT)) {
    let depth = 1;
    let i = m.index! + m[0].length;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === "(") depth++;
      else if (text[i] === ")") depth--;
    }
    const arg = ARTIFACTS_ARG.exec(text.slice(m.index! + m[0].length, i));
    if (arg) for (const q of arg[1]!.matchAll(/'([^']*)'|"([^"]*)"/g)) out.push((q[1] ?? q[2])!);
  }
  return out;
}

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
    for (const name of [...[...text.matchAll(CALL)].map((m) => m[1]!), ...collectedNames(text)]) {
      const a = resolve(name, lookup);
      if (!a || found.has(a.name)) continue;
      found.set(a.name, a);
      pending.push(...texts(a));
      if (found.size >= MAX_ARTIFACTS) break;
    }
  }
  return [...found.values()];
}
