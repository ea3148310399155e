// `Artifact.Name(args)` and `Artifact.Name.Source(args)` on the server: the VQL runner resolves
// dotted names through the repository (customs included); the plugins themselves are
// engine/artifacts' (call-plugin.ts), which agents can use too.
import { artifactCallPlugin, type Impersonator } from "@/engine/artifacts";
import type { PluginLike } from "@/engine/vql";
import { summaryOf } from "./read";
import type { Repository } from "./repository";

/** The plugin for `Artifact.<name>` or `Artifact.<name>.<Source>`, or undefined. */
export function pluginFor(repo: Repository, dottedName: string, impersonate?: Impersonator): PluginLike | undefined {
  return artifactCallPlugin((n) => repo.get(n, true), dottedName, { describe: summaryOf, impersonate });
}
