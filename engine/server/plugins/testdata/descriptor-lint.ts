// The lint every server builtin domain's descriptor test applies: each builtin and argument
// documented, the server platform, permissions declared; and the reviewed golden descriptor
// list under __golden__ (UPDATE_GOLDEN=1 rewrites it). Test code only.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeBuiltins, type BuiltinDescriptor } from "@/engine/vql";
import type { Builtin } from "@/engine/vql";

/** Problems of the descriptors: an empty list when every rule holds. */
export function descriptorProblems(descriptors: BuiltinDescriptor[]): string[] {
  const problems: string[] = [];
  for (const d of descriptors) {
    if (!d.doc.trim()) problems.push(`${d.name}: no doc`);
    for (const a of d.args) if (!a.doc.trim()) problems.push(`${d.name}(${a.name}): no doc`);
    if (d.platforms.join() !== "server") problems.push(`${d.name}: platforms ${d.platforms.join()}`);
    if (!d.permissions.length) problems.push(`${d.name}: no permissions declared`);
  }
  return problems;
}

/** The descriptors as stored (after writing them when asked to, or when there is no golden yet) and as they are now. */
export function goldenDescriptors(builtins: readonly Builtin[], golden: string): { stored: string; now: string } {
  const path = join(import.meta.dirname, "..", "__golden__", golden);
  const now = JSON.stringify(describeBuiltins(builtins), null, 1) + "\n";
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, now);
  return { stored: readFileSync(path, "utf8"), now };
}
