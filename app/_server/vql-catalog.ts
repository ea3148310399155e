// What the VQL editor completes and checks against: descriptors of every builtin the server runs
// (the server runner's registry once it is wired, else the portable builtins) and the artifact
// names with their parameters (when an artifact repository is wired).
import "server-only";
import { createRegistry, describeBuiltins, portableBuiltins, type BuiltinDescriptor, type Registry } from "../../engine/vql";
import { getEngine } from "./engine";

interface ArtifactLike {
  name: string;
  type?: string;
  description?: string;
  parameters?: { name: string; description?: string; default?: unknown }[];
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

export function artifactEntries() {
  const list = (getEngine() as unknown as MaybeWired).artifacts?.all?.() ?? [];
  return list.map((a) => ({
    name: a.name,
    type: String(a.type ?? ""),
    description: String(a.description ?? "").split("\n\n")[0]!.slice(0, 500),
    parameters: (a.parameters ?? []).map((p) => ({ name: p.name, description: String(p.description ?? ""), default: p.default === undefined ? undefined : String(p.default) })),
  }));
}
