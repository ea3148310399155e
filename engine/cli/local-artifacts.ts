// `Artifact.X()` for `talon query` run locally (and so collect() there, as with `velociraptor
// query`): the built-in definitions, found by name (artifacts/definitions mirrors the dotted
// name: Linux.Sys.Users is Linux/Sys/Users.yaml), each read and loaded the first time it is
// called. A definition that does not load is unknown, as on the agent.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { artifactCallPlugin, loadArtifact, type Artifact } from "@/engine/artifacts";
import type { PluginLike } from "@/engine/vql";

const DEFINITIONS = resolve(dirname(fileURLToPath(import.meta.url)), "../../artifacts/definitions");
const NAME = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$/;

export function builtinArtifactResolver(dir = DEFINITIONS): (dottedName: string) => PluginLike | undefined {
  const loaded = new Map<string, Artifact | undefined>();
  const lookup = (name: string): Artifact | undefined => {
    if (loaded.has(name)) return loaded.get(name);
    let a: Artifact | undefined;
    if (NAME.test(name)) {
      const file = join(dir, ...name.split(".")) + ".yaml";
      if (existsSync(file)) a = loadArtifact(readFileSync(file, "utf8"), { skipVql: true }).artifact;
      if (a && a.name !== name) a = undefined;
    }
    loaded.set(name, a);
    return a;
  };
  return (dotted) => artifactCallPlugin(lookup, dotted);
}
