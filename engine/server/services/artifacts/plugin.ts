// `Artifact.Name(args)` and `Artifact.Name.Source(args)`: the plugin the VQL runner gets for a
// dotted name. Filled in once engine/vql's evaluator (definePlugin, ctx.runQuery) is available.
import type { Principal } from "../types";
import type { Repository } from "./repository";

export function pluginFor(_repo: Repository, _dottedName: string, _principal: Principal): unknown {
  return undefined;
}
