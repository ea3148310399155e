// Builds the artifacts service: reads the built-ins from disk and the custom artifacts from the
// database, then serves reads from memory and writes through the database.
import { queries } from "../../../../drizzle";
import type { ArtifactChangeEvent, ArtifactsService, AuditService, Principal, ServiceDeps } from "../types";
import { BUILTIN_DEFINITIONS_DIR, readArtifactFiles } from "./files";
import { startModifying } from "./modify";
import { startPacks } from "./pack";
import { pluginFor } from "./plugin";
import { startReading } from "./read";
import { Repository } from "./repository";
import { artifactVqlChecker } from "./vql-checker";

export interface ArtifactsOptions {
  /** Folder of built-in definitions (default artifacts/definitions). */
  definitionsDir?: string;
  /** Required name prefix for custom artifacts (default `Custom.`). */
  customPrefix?: string;
  /** Called after every change, before other listeners (wiring publishes it to the UI). */
  onChange?: (e: ArtifactChangeEvent) => void;
}

export async function startArtifacts(deps: ServiceDeps, audit: AuditService, opts: ArtifactsOptions = {}): Promise<ArtifactsService> {
  const { db } = deps.database;
  const repo = new Repository(opts.customPrefix ?? "Custom.", artifactVqlChecker(), deps.log);
  const dir = opts.definitionsDir ?? BUILTIN_DEFINITIONS_DIR;
  const files = await readArtifactFiles([dir]).catch((err) => {
    deps.log.error("built-in artifacts not found", { dir, error: (err as Error).message });
    return [];
  });
  repo.loadBuiltins(files, dir);
  repo.setCustoms(await queries.listCustomArtifacts(db));

  const refresh = async () => repo.setCustoms(await queries.listCustomArtifacts(db));
  const reading = startReading(db, repo, refresh);
  const listeners = new Set<(e: ArtifactChangeEvent) => void>(opts.onChange ? [opts.onChange] : []);
  const notify = (e: ArtifactChangeEvent) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        deps.log.error("artifact change listener failed", { artifact: e.artifact, error: (err as Error).message });
      }
    }
  };
  const modifying = startModifying({ db, clock: deps.clock, audit, repo, onChange: notify });
  const packs = startPacks({ audit, repo, clock: deps.clock, set: modifying.set });
  const show = (actor: Principal, name: string) => reading.show(actor, name);

  return {
    get: (name, o) => repo.get(name, o?.exact),
    all: () => repo.all(),
    list: reading.list,
    show,
    history: reading.history,
    validate: (yaml, o) => modifying.validate(yaml, o?.prefix ?? repo.prefix),
    editableYaml: reading.editableYaml,
    set: async (actor, yaml, o) => show(actor, await modifying.set(actor, yaml, o ?? {})),
    delete: modifying.remove,
    rename: async (actor, from, to) => show(actor, await modifying.rename(actor, from, to)),
    importPack: packs.importPack,
    exportOne: packs.exportOne,
    exportAll: packs.exportAll,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    pluginFor: (name) => pluginFor(repo, name),
  };
}
