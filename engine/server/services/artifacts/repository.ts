// The in-memory view of every artifact: built-ins (from disk, read once at boot) and custom
// ones (mirrored from the database, replaced on every change). Single owner of that state;
// lookups are synchronous so the VQL runner can resolve `Artifact.X()` without awaiting.
import { customName, loadArtifact, type Artifact, type LoadOptions, type VqlChecker } from "@/engine/artifacts";
import type { CustomArtifactRecord } from "@/drizzle";
import { PERMISSIONS } from "../../auth/roles";
import type { Logger } from "@/engine/server/contracts";
import { nameFromPath, type ArtifactFile } from "./files";

export interface CustomEntry {
  artifact: Artifact;
  record: Omit<CustomArtifactRecord, "yaml">;
}

export class Repository {
  readonly builtins = new Map<string, Artifact>();
  readonly customs = new Map<string, CustomEntry>();

  constructor(
    readonly prefix: string,
    private readonly checkVql: VqlChecker,
    private readonly log: Logger,
  ) {}

  /** Loads built-in files; a broken one is logged and skipped (the test suite fails on it, not the boot). */
  loadBuiltins(files: ArtifactFile[], root: string): void {
    for (const f of files) {
      const r = loadArtifact(f.text, { ...this.loadOptions(), expectedName: nameFromPath(root, f.path) });
      const errors = r.diagnostics.filter((d) => d.severity === "error");
      if (!r.artifact || errors.length) {
        this.log.error("built-in artifact not loaded", { file: f.path, error: errors[0]?.message });
        continue;
      }
      this.builtins.set(r.artifact.name, r.artifact);
    }
  }

  /** Replaces the custom set from database records; records that no longer load are skipped. */
  setCustoms(records: CustomArtifactRecord[]): void {
    this.customs.clear();
    for (const rec of records) this.putCustom(rec);
  }

  putCustom(rec: CustomArtifactRecord): CustomEntry | undefined {
    const r = loadArtifact(rec.yaml, { ...this.loadOptions(), skipVql: true });
    if (!r.artifact) {
      this.log.warn("stored custom artifact does not load", { name: rec.name, error: r.diagnostics[0]?.message });
      return undefined;
    }
    const { yaml: _yaml, ...record } = rec;
    const entry = { artifact: r.artifact, record };
    this.customs.set(rec.name, entry);
    return entry;
  }

  get(name: string, exact = false): Artifact | undefined {
    if (!exact) {
      const override = this.customs.get(customName(name, this.prefix));
      if (override) return override.artifact;
    }
    return this.customs.get(name)?.artifact ?? this.builtins.get(name) ?? this.byAlias(name);
  }

  /**
   * An artifact found by one of its `aliases`: Velociraptor's repository stores a copy of the
   * artifact under each alias, named by the alias (services/repository/repository.go), so it
   * is collected, and its results stored, under that name. Custom artifacts' aliases come first.
   */
  private byAlias(name: string): Artifact | undefined {
    for (const a of [...[...this.customs.values()].map((e) => e.artifact), ...this.builtins.values()]) {
      if (a.aliases.includes(name)) return { ...a, name };
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.customs.has(name) || this.builtins.has(name);
  }

  all(): Artifact[] {
    return [...this.builtins.values(), ...[...this.customs.values()].map((e) => e.artifact)];
  }

  /** Options every load uses: the VQL checker and the repository for references. */
  loadOptions(): LoadOptions {
    return {
      checkVql: this.checkVql,
      knownPermissions: PERMISSIONS,
      isKnownArtifact: (n) => this.has(n) || this.byAlias(n) !== undefined,
      exportOf: (n) => this.get(n)?.export?.text,
    };
  }
}
