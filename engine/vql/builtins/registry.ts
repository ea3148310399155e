/**
 * The builtin registry: an explicit list of portable builtins and createRegistry(), which
 * indexes builtins by kind and name. Duplicate names of the same kind throw at startup.
 * A function and a plugin may share a name (`if`, `items`, `scope`).
 */
import type { Builtin, FunctionBuiltin, PluginBuiltin } from "./types";
import { portableBuiltins } from "./portable";

export interface Registry {
  readonly functions: ReadonlyMap<string, FunctionBuiltin>;
  readonly plugins: ReadonlyMap<string, PluginBuiltin>;
  /** Every builtin in registration order. */
  readonly all: readonly Builtin[];
}

export function createRegistry(builtins: readonly Builtin[]): Registry {
  const functions = new Map<string, FunctionBuiltin>();
  const plugins = new Map<string, PluginBuiltin>();
  for (const b of builtins) {
    const table: Map<string, Builtin> = b.kind === "function" ? functions : plugins;
    if (table.has(b.name)) throw new Error(`duplicate VQL ${b.kind} \`${b.name}\``);
    table.set(b.name, b);
  }
  return { functions, plugins, all: builtins.slice() };
}

export { portableBuiltins };
