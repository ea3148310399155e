// Builds the artifacts service: reads the built-ins from disk and the custom artifacts from the
// database, then serves reads from memory and writes through the database. Every process
// follows Server.Internal.ArtifactModification and reloads its custom artifacts when another
// process changed one, so a custom artifact saved anywhere is used everywhere within a second.
import { queries } from "@/drizzle";
import type { VqlChecker } from "@/engine/artifacts";
import { ARTIFACT_MODIFICATION_QUEUE, type ArtifactsService, type AuditService, type Journal, type Principal, type ServiceDeps } from "@/engine/server/contracts";
import { BUILTIN_DEFINITIONS_DIR, readArtifactFiles } from "./files";
import { startModifying } from "./modify";
import { startPacks } from "./pack";
import { pluginFor } from "./plugin";
import { startReading } from "./read";
import { Repository } from "./repository";

export interface ArtifactsDeps extends ServiceDeps {
  audit: AuditService;
  journal: Pick<Journal, "append" | "subscribe">;
  /** Folder of built-in definitions (default artifacts/definitions). */
  definitionsDir?: string;
  /** The prefix of a built-in's override and of pack imports (default `Custom.`). */
  customPrefix?: string;
  /** Checks the VQL of artifacts as they load (syntax and lint against the server's builtins). */
  vqlChecker: VqlChecker;
}

export async function startArtifacts(deps: ArtifactsDeps, signal: AbortSignal): Promise<ArtifactsService> {
  const { db } = deps.database;
  const { audit, journal } = deps;
  const opts = deps;
  const repo = new Repository(opts.customPrefix ?? "Custom.", deps.vqlChecker, deps.log);
  const dir = opts.definitionsDir ?? BUILTIN_DEFINITIONS_DIR;
  const files = await readArtifactFiles([dir]).catch((err) => {
    deps.log.error("built-in artifacts not found", { dir, error: (err as Error).message });
    return [];
  });
  repo.loadBuiltins(files, dir);
  repo.setCustoms(await queries.listCustomArtifacts(db));

  const refresh = async () => repo.setCustoms(await queries.listCustomArtifacts(db));
  followChanges(deps, journal, refresh, signal);
  const reading = startReading(db, repo, refresh);
  const modifying = startModifying({ db, clock: deps.clock, audit, repo, journal });
  const packs = startPacks({ audit, repo, clock: deps.clock, set: modifying.set });
  const show = (actor: Principal, name: string) => reading.show(actor, name);

  return {
    get: (name, o) => repo.get(name, o?.exact),
    all: () => repo.all(),
    list: reading.list,
    show,
    history: reading.history,
    validate: (yaml, o) => modifying.validate(yaml, o?.prefix, o),
    editableYaml: reading.editableYaml,
    set: async (actor, yaml, o) => show(actor, await modifying.set(actor, yaml, o ?? {})),
    delete: modifying.remove,
    rename: async (actor, from, to) => show(actor, await modifying.rename(actor, from, to)),
    importPack: packs.importPack,
    exportOne: packs.exportOne,
    exportAll: packs.exportAll,
    pluginFor: (name, _principal, impersonate) => pluginFor(repo, name, impersonate),
  };
}

/** Reloads the custom artifacts after changes (one reload for a burst of them). */
function followChanges(deps: ServiceDeps, journal: Pick<Journal, "subscribe">, refresh: () => Promise<void>, signal: AbortSignal) {
  let reloading: Promise<void> | undefined;
  let again = false;
  const reload = () => {
    if (reloading) return void (again = true);
    reloading = refresh()
      .catch((err) => deps.log.error("could not reload custom artifacts", { error: (err as Error).message }))
      .finally(() => {
        reloading = undefined;
        if (again) (again = false), reload();
      });
  };
  void (async () => {
    for await (const _ of journal.subscribe(ARTIFACT_MODIFICATION_QUEUE, { signal })) reload();
  })().catch((err) => {
    if (!signal.aborted) deps.log.error("stopped following artifact changes", { error: (err as Error).message });
  });
}
