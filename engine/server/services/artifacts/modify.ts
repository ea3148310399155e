// Changing custom artifacts: set (create or replace), delete, rename. Each checks the writer
// permission for the artifact's type (and the type it replaces), refuses to touch built-ins,
// saves with history and a Server.Internal.ArtifactModification event in one transaction,
// updates this process's repository (other processes follow the event), and audits.
import { formatDiagnostic, hasArtifactErrors, isServerType, loadArtifact, withName, type ArtifactType, type LoadResult } from "@/engine/artifacts";
import { ConflictError, NotFoundError, queries, type Db } from "@/drizzle";
import { ARTIFACT_MODIFICATION_QUEUE, requirePermission, ServiceError, type ArtifactChangeEvent, type AuditService, type Clock, type Journal, type Principal, type ValidateOptions } from "@/engine/server/contracts";
import type { Repository } from "./repository";
import { storableText } from "@/engine/protocol";

export function requireWriter(actor: Principal, type: ArtifactType): void {
  requirePermission(actor, isServerType(type) ? "SERVER_ARTIFACT_WRITER" : "ARTIFACT_WRITER");
}

/** The first errors of a load as one message: `line:col: message` (and how many more). */
export function loadErrorMessage(yaml: string, r: LoadResult): string {
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  const first = formatDiagnostic("", yaml, errors[0]!).replace(/^:/, "line ");
  return errors.length > 1 ? `${first} (and ${errors.length - 1} more)` : first;
}

export function startModifying(deps: { db: Db; clock: Clock; audit: AuditService; repo: Repository; journal: Pick<Journal, "append"> }) {
  const { db, clock, audit, repo, journal } = deps;

  /** Runs the change and records its event in one transaction. */
  function withEvent<T>(change: (tx: Db) => Promise<T>, event: ArtifactChangeEvent): Promise<T> {
    return queries.inTransaction(db, async (tx) => {
      const out = await change(tx);
      await journal.append(ARTIFACT_MODIFICATION_QUEUE, [{ ...event }], { tx });
      return out;
    });
  }

  /**
   * Checks a custom artifact before it is saved: any valid name (Velociraptor's GUI and
   * artifact_set() require no prefix) except a built-in's, for which the check offers the
   * `Custom.` override; `prefix`, when not empty, is required (pack imports).
   */
  function validate(yaml: string, prefix = "", opts: Omit<ValidateOptions, "prefix"> = {}): LoadResult {
    const base = repo.loadOptions();
    const extra = new Map((opts.extra ?? []).map((a) => [a.name, a.export]));
    return loadArtifact(yaml, {
      ...base,
      ...(extra.size
        ? {
            isKnownArtifact: (n) => extra.has(n) || base.isKnownArtifact!(n),
            exportOf: (n) => (extra.has(n) ? extra.get(n) : base.exportOf!(n)),
          }
        : {}),
      requirePrefix: prefix,
      isBuiltinName: opts.allowBuiltinNames ? undefined : (n) => repo.builtins.has(n),
      overridePrefix: repo.prefix,
    });
  }

  async function set(actor: Principal, yaml: string, opts: { prefix?: string } = {}) {
    if (typeof yaml !== "string" || yaml.length > 1024 * 1024) throw new ServiceError("bad_request", "the artifact must be YAML text of at most 1 MiB");
    const r = validate(yaml, opts.prefix);
    if (!r.artifact || hasArtifactErrors(r.diagnostics)) throw new ServiceError("bad_request", loadErrorMessage(yaml, r));
    const a = r.artifact;
    requireWriter(actor, a.type);
    const existing = repo.customs.get(a.name);
    if (existing) requireWriter(actor, existing.artifact.type);
    const rec = await withEvent(
      (tx) => queries.saveCustomArtifact(tx, { name: a.name, type: a.type, description: storableText(a.description), yaml, principal: actor.username, at: clock.now() }),
      { artifact: a.name, op: "set", principal: actor.username },
    );
    repo.putCustom(rec);
    await audit.record(actor, "SetArtifactFile", { artifact: a.name, type: a.type, version: rec.version, created: !existing });
    return a.name;
  }

  async function remove(actor: Principal, name: string) {
    const entry = repo.customs.get(name);
    if (!entry) {
      if (repo.builtins.has(name)) throw new ServiceError("bad_request", `\`${name}\` is a built-in artifact and cannot be deleted`);
      throw new ServiceError("not_found", `no custom artifact named ${name}`);
    }
    requireWriter(actor, entry.artifact.type);
    try {
      await withEvent((tx) => queries.deleteCustomArtifact(tx, { name, principal: actor.username, at: clock.now() }), { artifact: name, op: "delete", principal: actor.username });
    } catch (err) {
      if (err instanceof NotFoundError) throw new ServiceError("not_found", err.message);
      throw err;
    }
    repo.customs.delete(name);
    await audit.record(actor, "DeleteArtifactFile", { artifact: name });
  }

  async function rename(actor: Principal, from: string, to: string) {
    const entry = repo.customs.get(from);
    if (!entry) throw new ServiceError(repo.builtins.has(from) ? "bad_request" : "not_found", repo.builtins.has(from) ? `\`${from}\` is a built-in artifact and cannot be renamed` : `no custom artifact named ${from}`);
    requireWriter(actor, entry.artifact.type);
    if (repo.has(to)) throw new ServiceError("conflict", `an artifact named ${to} already exists`);
    const yaml = withName(entry.artifact.raw, to);
    const r = validate(yaml);
    if (!r.artifact || hasArtifactErrors(r.diagnostics)) throw new ServiceError("bad_request", loadErrorMessage(yaml, r));
    let rec;
    try {
      rec = await withEvent((tx) => queries.renameCustomArtifact(tx, { from, to, yaml, principal: actor.username, at: clock.now() }), { artifact: to, op: "rename", principal: actor.username, from });
    } catch (err) {
      if (err instanceof ConflictError) throw new ServiceError("conflict", err.message);
      if (err instanceof NotFoundError) throw new ServiceError("not_found", err.message);
      throw err;
    }
    repo.customs.delete(from);
    repo.putCustom(rec);
    await audit.record(actor, "RenameArtifactFile", { from, to });
    return to;
  }

  return { validate, set, remove, rename };
}
