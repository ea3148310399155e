// What the artifact editor needs from the server: existing names, which of them are built-ins
// (saving under one is refused; the editor offers its `Custom.` override), and the builtins'
// shapes.
import "server-only";
import type { Principal } from "../../engine";
import type { DescriptorLike } from "../../engine/vql/analysis";
import { describeBuiltins } from "../../engine/vql";
import { getEngine } from "./engine";

export async function editorContext(p: Principal): Promise<{ knownNames: string[]; builtinNames: string[]; descriptors: DescriptorLike[] }> {
  const engine = getEngine();
  const descriptors = describeBuiltins(engine.queries.registry).map((d) => ({
    name: d.name,
    kind: d.kind,
    args: d.args.map((a) => ({ name: a.name, required: a.required })),
    ...(d.freeArgs ? { freeArgs: true } : {}),
  }));
  const all = await engine.artifacts.list(p);
  return { knownNames: all.map((a) => a.name), builtinNames: all.filter((a) => a.builtIn).map((a) => a.name), descriptors };
}
