// Runs VQL on the server as a principal: the portable builtins plus every server builtin, the
// principal's permissions checked at each builtin, `Artifact.X()` plugins resolved through the
// artifact repository, and the run tied to the engine's lifetime (shutdown cancels it).
import { createRegistry, portableBuiltins, runVql, type PluginLike, type Registry, type VqlEvent } from "../../vql";
import { serverBuiltins } from "../plugins";
import type { ServerVqlHost } from "../plugins/host";
import { ServiceError, type Engine, type Principal } from "../services/types";

export interface RunAsOptions {
  principal: Principal;
  /** Scope variables (artifact parameters, notebook environment). */
  env?: Record<string, unknown>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Per-SELECT row cap. */
  maxRows?: number;
  /**
   * Ad-hoc VQL (a notebook cell, the query API) needs ANY_QUERY, as in Velociraptor. Queries
   * the server runs from a saved artifact on the principal's behalf pass false.
   */
  adhoc?: boolean;
}

export interface QueryService {
  readonly registry: Registry;
  run(source: string, opts: RunAsOptions): AsyncIterable<VqlEvent>;
}

/** The part of the artifact repository the runner needs; absent until artifacts are wired. */
export interface ArtifactPlugins {
  pluginFor(dottedName: string, principal: Principal): PluginLike | undefined;
}

export function startQueries(getEngine: () => Engine, artifacts?: () => ArtifactPlugins | undefined): QueryService {
  const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
  return {
    registry,
    run(source, opts) {
      if (opts.adhoc !== false && !opts.principal.permissions.has("ANY_QUERY")) {
        throw new ServiceError("forbidden", "running VQL needs the ANY_QUERY permission");
      }
      const engine = getEngine();
      const host: ServerVqlHost = { principal: opts.principal, engine };
      const signal = opts.signal ? AbortSignal.any([opts.signal, engine.signal]) : engine.signal;
      return runVql(source, {
        registry,
        env: opts.env,
        signal,
        timeoutMs: opts.timeoutMs,
        maxRows: opts.maxRows,
        permissions: opts.principal.permissions,
        host,
        resolvePlugin: (name: string) => artifacts?.()?.pluginFor(name, opts.principal),
      });
    },
  };
}
