// Artifact packs: import one YAML file or a zip of them (each checked on its own, names given
// the custom prefix when they lack it), and export one artifact or every custom one as a zip.
import { customName, loadArtifact, withName } from "@/engine/artifacts";
import { requirePermission, ServiceError, type ArtifactImportResult, type AuditService, type Principal } from "@/engine/server/contracts";
import type { Repository } from "./repository";
import { zipBytes } from "@/engine/server/export/zip-stream";
import { isZip, readZip, ZipError } from "./zip";

const MAX_UPLOAD = 16 * 1024 * 1024;

export function startPacks(deps: { audit: AuditService; repo: Repository; clock: { now(): Date }; set: (actor: Principal, yaml: string, opts: { prefix?: string }) => Promise<string> }) {
  const { audit, repo, set } = deps;

  async function importPack(actor: Principal, file: { filename: string; data: Uint8Array }, opts: { prefix?: string } = {}): Promise<ArtifactImportResult> {
    requirePermission(actor, "ARTIFACT_WRITER");
    if (file.data.length > MAX_UPLOAD) throw new ServiceError("bad_request", `the upload is larger than ${MAX_UPLOAD / 1048576} MiB`);
    const prefix = opts.prefix ?? repo.prefix;
    let entries: Array<{ name: string; text: string }>;
    if (isZip(file.data)) {
      try {
        entries = readZip(file.data)
          .filter((e) => /\.ya?ml$/i.test(e.name) && !e.name.split("/").some((p) => p.startsWith(".")))
          .map((e) => ({ name: e.name, text: new TextDecoder().decode(e.data) }));
      } catch (err) {
        if (err instanceof ZipError) throw new ServiceError("bad_request", `${file.filename}: ${err.message}`);
        throw err;
      }
      if (entries.length === 0) throw new ServiceError("bad_request", `${file.filename} holds no .yaml files`);
    } else {
      entries = [{ name: file.filename, text: new TextDecoder().decode(file.data) }];
    }
    const result: ArtifactImportResult = { files: [] };
    for (const e of entries) result.files.push(await importOne(actor, e, prefix));
    await audit.record(actor, "LoadArtifactPack", { filename: file.filename, imported: result.files.filter((f) => f.ok).map((f) => f.name) });
    return result;
  }

  async function importOne(actor: Principal, e: { name: string; text: string }, prefix: string) {
    let text = e.text;
    const original = loadArtifact(text, { skipVql: true }).artifact?.name;
    let renamedFrom: string | undefined;
    if (original && !original.startsWith(prefix)) {
      renamedFrom = original;
      text = withName(text, customName(original, prefix));
    }
    const name = renamedFrom ? customName(renamedFrom, prefix) : original;
    try {
      await set(actor, text, { prefix });
      return { file: e.name, name, renamedFrom, ok: true, errors: [] };
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      return { file: e.name, name, renamedFrom, ok: false, errors: [err.message] };
    }
  }

  async function exportOne(actor: Principal, name: string) {
    requirePermission(actor, "READ_RESULTS");
    const a = repo.get(name, true);
    if (!a) throw new ServiceError("not_found", `no artifact named ${name}`);
    return { filename: `${a.name}.yaml`, yaml: a.raw };
  }

  async function exportAll(actor: Principal) {
    requirePermission(actor, "READ_RESULTS");
    const entries = [...repo.customs.values()]
      .sort((x, y) => x.artifact.name.localeCompare(y.artifact.name))
      .map((c) => ({ name: `${c.artifact.name.split(".").join("/")}.yaml`, data: new TextEncoder().encode(c.artifact.raw) }));
    return { filename: "custom-artifacts.zip", data: await zipBytes(entries, deps.clock.now()) };
  }

  return { importPack, exportOne, exportAll };
}
