"use client";
// What the VQL editor knows about names: the builtin descriptors (portable and server builtins,
// and apart from them the builtins only endpoints run) and the artifact names, served by
// /api/vql/completions and fetched once per page load.
import type { BuiltinDescriptor } from "@/engine/vql";

export interface ArtifactEntry {
  name: string;
  description: string;
  type: string;
  parameters: { name: string; description: string; default?: string }[];
  /** The artifact's column_types: renderer by column name (timestamp, nano_timestamp, ...). */
  columnTypes?: Record<string, string>;
}

export interface VqlCatalog {
  /** What the server runs (portable and server builtins). */
  builtins: BuiltinDescriptor[];
  /** The agent's builtins the server does not run. */
  endpoint: BuiltinDescriptor[];
  artifacts: ArtifactEntry[];
  functions: Map<string, BuiltinDescriptor>;
  plugins: Map<string, BuiltinDescriptor>;
}

let catalog: VqlCatalog | undefined;
let loading: Promise<VqlCatalog> | undefined;
const listeners = new Set<(c: VqlCatalog) => void>();

function build(builtins: BuiltinDescriptor[], artifacts: ArtifactEntry[], endpoint: BuiltinDescriptor[] = []): VqlCatalog {
  const functions = new Map<string, BuiltinDescriptor>();
  const plugins = new Map<string, BuiltinDescriptor>();
  // The server's own builtins win a name both have (hover and signature help show those).
  for (const b of [...endpoint, ...builtins]) (b.kind === "plugin" ? plugins : functions).set(b.name, b);
  return { builtins, endpoint, artifacts, functions, plugins };
}

/** The catalog if loaded (undefined before the first fetch completes). */
export function currentCatalog(): VqlCatalog | undefined {
  return catalog;
}

export function loadCatalog(): Promise<VqlCatalog> {
  loading ??= fetch("/api/vql/completions", { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : { builtins: [], artifacts: [] }))
    .then((body: { builtins?: BuiltinDescriptor[]; endpointBuiltins?: BuiltinDescriptor[]; artifacts?: ArtifactEntry[] }) => {
      catalog = build(body.builtins ?? [], body.artifacts ?? [], body.endpointBuiltins ?? []);
      for (const l of listeners) l(catalog);
      return catalog;
    })
    .catch(() => {
      loading = undefined;
      return build([], []);
    });
  return loading;
}

/** Where a query runs: the notebook's server, or an endpoint (CLIENT artifacts). */
export type RunsOn = "server" | "endpoint";

/** The builtins a query running `on` calls directly, and those that exist only on the other side. */
export function buildSides(c: VqlCatalog, on: RunsOn): { here: BuiltinDescriptor[]; elsewhere: BuiltinDescriptor[]; where: "endpoints" | "server" } {
  if (on === "server") return { here: c.builtins, elsewhere: c.endpoint, where: "endpoints" };
  const serverOnly = (d: BuiltinDescriptor) => d.platforms.includes("server");
  return { here: [...c.builtins.filter((d) => !serverOnly(d)), ...c.endpoint], elsewhere: c.builtins.filter(serverOnly), where: "server" };
}

/** Called when the catalog arrives (markers are recomputed with it). */
export function onCatalog(fn: (c: VqlCatalog) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
