"use client";
// What the VQL editor knows about names: the builtin descriptors (portable and server builtins)
// and the artifact names, served by /api/vql/completions and fetched once per page load.
import type { BuiltinDescriptor } from "@/engine/vql";

export interface ArtifactEntry {
  name: string;
  description: string;
  type: string;
  parameters: { name: string; description: string; default?: string }[];
}

export interface VqlCatalog {
  builtins: BuiltinDescriptor[];
  artifacts: ArtifactEntry[];
  functions: Map<string, BuiltinDescriptor>;
  plugins: Map<string, BuiltinDescriptor>;
}

let catalog: VqlCatalog | undefined;
let loading: Promise<VqlCatalog> | undefined;
const listeners = new Set<(c: VqlCatalog) => void>();

function build(builtins: BuiltinDescriptor[], artifacts: ArtifactEntry[]): VqlCatalog {
  const functions = new Map<string, BuiltinDescriptor>();
  const plugins = new Map<string, BuiltinDescriptor>();
  for (const b of builtins) (b.kind === "plugin" ? plugins : functions).set(b.name, b);
  return { builtins, artifacts, functions, plugins };
}

/** The catalog if loaded (undefined before the first fetch completes). */
export function currentCatalog(): VqlCatalog | undefined {
  return catalog;
}

export function loadCatalog(): Promise<VqlCatalog> {
  loading ??= fetch("/api/vql/completions", { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : { builtins: [], artifacts: [] }))
    .then((body: { builtins?: BuiltinDescriptor[]; artifacts?: ArtifactEntry[] }) => {
      catalog = build(body.builtins ?? [], body.artifacts ?? []);
      for (const l of listeners) l(catalog);
      return catalog;
    })
    .catch(() => {
      loading = undefined;
      return build([], []);
    });
  return loading;
}

/** Called when the catalog arrives (markers are recomputed with it). */
export function onCatalog(fn: (c: VqlCatalog) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
