// Test support only (uses node:fs; never imported by engine code): reads the VQL texts of the
// Velociraptor artifact corpus and of conformance.json for the parser's tests and fuzzer.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const corpusDir = join(repoRoot, "..", "shared", "corpus", "velociraptor-artifacts");
export const conformancePath = join(repoRoot, "..", "shared", "vql", "conformance.json");

export interface CorpusQuery {
  where: string;
  text: string;
}

function* yamlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* yamlFiles(path);
    else if (/\.ya?ml$/.test(name)) yield path;
  }
}

/** All VQL texts of the corpus: precondition, export, and each source's query and precondition. */
export function corpusQueries(): CorpusQuery[] {
  const out: CorpusQuery[] = [];
  const add = (where: string, text: unknown) => {
    if (typeof text === "string" && text.trim() !== "") out.push({ where, text });
  };
  for (const file of yamlFiles(corpusDir)) {
    const doc = parseYaml(readFileSync(file, "utf8")) as Record<string, unknown> | null;
    if (!doc || typeof doc !== "object") continue;
    const at = relative(corpusDir, file);
    add(`${at} precondition`, doc.precondition);
    add(`${at} export`, doc.export);
    const sources = Array.isArray(doc.sources) ? (doc.sources as Record<string, unknown>[]) : [];
    sources.forEach((s, i) => {
      add(`${at} sources[${i}].query`, s?.query);
      add(`${at} sources[${i}].precondition`, s?.precondition);
    });
  }
  return out;
}

/** The `vql` text of every conformance case. */
export function conformanceQueries(): string[] {
  return (JSON.parse(readFileSync(conformancePath, "utf8")) as { vql: string }[]).map((c) => c.vql);
}
