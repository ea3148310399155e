// Runs VQL on the server as a principal: the portable builtins plus every server builtin, the
// principal's permissions checked at each builtin, `Artifact.X()` plugins resolved through the
// artifact repository, and the run tied to the engine's lifetime (shutdown cancels it). Built
// before the services that run VQL (notebooks, later event tables and hunts); the services its
// builtins call are handed to it here, the notebooks service with each run.
import { createRegistry, portableBuiltins, runVql, type Builtin } from "@/engine/vql";
import { serverBuiltins } from "../plugins";
import type { ServerVqlHost } from "../plugins/host";
import { ServiceError, type ArtifactsService, type QueryService, type RunAsOptions, type VqlServices } from "@/engine/server/contracts";

export type { QueryService, RunAsOptions };

export interface QueriesDeps {
  artifacts: Pick<ArtifactsService, "pluginFor">;
  services: VqlServices;
}

export function startQueries(deps: QueriesDeps, signal: AbortSignal): QueryService {
  const all = [...portableBuiltins, ...serverBuiltins];
  const registry = createRegistry(all);
  const withOverrides = (overrides: readonly Builtin[]) => {
    const names = new Set(overrides.map((b) => `${b.kind}:${b.name}`));
    return createRegistry([...all.filter((b) => !names.has(`${b.kind}:${b.name}`)), ...overrides]);
  };
  return {
    registry,
    run(source, opts) {
      if (opts.adhoc !== false && !opts.principal.permissions.has("ANY_QUERY")) {
        throw new ServiceError("forbidden", "running VQL needs the ANY_QUERY permission");
      }
      const host: ServerVqlHost = { principal: opts.principal, services: opts.notebooks ? { ...deps.services, notebooks: opts.notebooks } : deps.services };
      return runVql(source, {
        registry: opts.overrides?.length ? withOverrides(opts.overrides) : registry,
        env: opts.env,
        signal: opts.signal ? AbortSignal.any([opts.signal, signal]) : signal,
        timeoutMs: opts.timeoutMs,
        maxRows: opts.maxRows,
        permissions: opts.principal.permissions,
        host,
        resolvePlugin: (name: string) => opts.resolvePlugin?.(name) ?? deps.artifacts.pluginFor(name, opts.principal),
      });
    },
  };
}
