// What the artifact editor needs from the server: existing names and the builtins' shapes.
import "server-only";
import type { DescriptorLike } from "../../engine/vql/analysis";
import { describeBuiltins } from "../../engine/vql";
import { getEngine } from "./engine";

export function editorContext(): { knownNames: string[]; descriptors: DescriptorLike[] } {
  const engine = getEngine();
  const descriptors = describeBuiltins(engine.queries.registry).map((d) => ({
    name: d.name,
    kind: d.kind,
    args: d.args.map((a) => ({ name: a.name, required: a.required })),
    ...(d.freeArgs ? { freeArgs: true } : {}),
  }));
  return { knownNames: engine.artifacts.all().map((a) => a.name), descriptors };
}
