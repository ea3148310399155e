/**
 * definePlugin / defineFunction: typed declarations of builtins. They only normalise metadata;
 * registration is explicit (registry.ts) and never a side effect of importing.
 */
import type { ArgSchema } from "./arg";
import type { FunctionBuiltin, FunctionDefinition, PluginBuiltin, PluginDefinition } from "./types";

export function definePlugin<A extends ArgSchema>(def: PluginDefinition<A>): PluginBuiltin {
  return { ...(def as unknown as PluginDefinition<ArgSchema>), kind: "plugin", platforms: def.platforms ?? ["portable"] };
}

export function defineFunction<A extends ArgSchema>(def: FunctionDefinition<A>): FunctionBuiltin {
  return { ...(def as unknown as FunctionDefinition<ArgSchema>), kind: "function", platforms: def.platforms ?? ["portable"] };
}
