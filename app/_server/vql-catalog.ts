// What the VQL editor completes and checks against: descriptors of every builtin the server runs
// (the server runner's registry once it is wired, else the portable builtins), those of the
// agent's builtins the server lacks (engine/protocol's copy, generated from engine/client), and
// the artifact names with their parameters (when an artifact repository is wired).
import "server-only";
import { createRegistry, describeBuiltins, portableBuiltins, type BuiltinDescriptor, type Registry } from "../../engine/vql";
import { ENDPOINT_BUILTINS } from "../../engine/protocol/endpoint-builtins";
import { getEngine } from "./engine";

interface ArtifactLike {
  name: string;
  type?: string;
  description?: string;
  parameters?: { name: string; description?: string; default?: unknown }[];
  columnTypes?: { name: string; type: string }[];
}

interface MaybeWired {
  queries?: { registry?: Registry };
  artifacts?: { all?(): ArtifactLike[] };
}

let portable: BuiltinDescriptor[] | undefined;

export function builtinDescriptors(): BuiltinDescriptor[] {
  const registry = (getEngine() as unknown as MaybeWired).queries?.registry;
  if (registry) return describeBuiltins(registry);
  portable ??= describeBuiltins(createRegistry(portableBuiltins));
  return portable;
}

/** The agent's builtins that the server does not run itself (its hash() replaces the portable one, so it is not listed). */
export function endpointOnlyDescriptors(): BuiltinDescriptor[] {
  const server = new Set(builtinDescriptors().map((d) => `${d.kind}:${d.name}`));
  return ENDPOINT_BUILTINS.filter((d) => !server.has(`${d.kind}:${d.name}`));
}

export function artifactEntries() {
  const list = (getEngine() as unknown as MaybeWired).artifacts?.all?.() ?? [];
  return list.map((a) => ({
    name: a.name,
    type: String(a.type ?? ""),
    description: String(a.description ?? "").split("\n\n")[0]!.slice(0, 500),
    parameters: (a.parameters ?? []).map((p) => ({ name: p.name, description: String(p.description ?? ""), default: p.default === undefined ? undefined : String(p.default) })),
    ...(a.columnTypes?.length ? { columnTypes: Object.fromEntries(a.columnTypes.map((c) => [c.name, c.type])) } : {}),
  }));
}
