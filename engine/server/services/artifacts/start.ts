// Builds the artifacts service: reads the built-ins from disk and the custom artifacts from the
// database, then serves reads from memory and writes through the database.
import { queries } from "../../../../drizzle";
import type { ArtifactsService, AuditService, Principal, ServiceDeps } from "../types";
import { BUILTIN_DEFINITIONS_DIR, readArtifactFiles } from "./files";
import { startModifying, type ArtifactChangeEvent } from "./modify";
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
  /** Called after every change (wiring publishes it). */
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
  const modifying = startModifying({ db, clock: deps.clock, audit, repo, onChange: opts.onChange ?? (() => {}) });
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
    pluginFor: (name) => pluginFor(repo, name),
  };
}
