// Reading the repository for people: list with search and type filter, one artifact's page,
// its history. All need READ_RESULTS.
import { customName, loadArtifact, summaryOf, withName, type Artifact } from "@/engine/artifacts";
import { queries, type Db } from "@/drizzle";
import { requirePermission, ServiceError, type ArtifactChange, type ArtifactDetails, type ArtifactSummary, type Principal } from "@/engine/server/contracts";
import type { Repository } from "./repository";

export { summaryOf };

export function startReading(db: Db, repo: Repository, refresh: () => Promise<void>) {
  function summarize(a: Artifact): ArtifactSummary {
    const custom = repo.customs.get(a.name);
    const s: ArtifactSummary = { name: a.name, type: a.type, summary: summaryOf(a), builtIn: !custom };
    if (!custom) {
      const over = customName(a.name, repo.prefix);
      if (over !== a.name && repo.customs.has(over)) s.overriddenBy = over;
    } else {
      s.updatedBy = custom.record.updatedBy;
      s.updatedAt = custom.record.updatedAt;
    }
    return s;
  }

  return {
    async list(actor: Principal, q: { search?: string; type?: string; limit?: number } = {}): Promise<ArtifactSummary[]> {
      requirePermission(actor, "READ_RESULTS");
      await refresh();
      const words = (q.search ?? "").toLowerCase().split(/\s+/).filter(Boolean);
      const type = (q.type ?? "").toUpperCase();
      const out: ArtifactSummary[] = [];
      for (const a of repo.all().sort((x, y) => x.name.localeCompare(y.name))) {
        if (type && a.type !== type) continue;
        const hay = `${a.name}\n${a.description}`.toLowerCase();
        if (!words.every((w) => hay.includes(w))) continue;
        out.push(summarize(a));
        if (q.limit && out.length >= q.limit) break;
      }
      return out;
    },

    async show(actor: Principal, name: string): Promise<ArtifactDetails> {
      requirePermission(actor, "READ_RESULTS");
      await refresh();
      const a = repo.get(name, true);
      if (!a) throw new ServiceError("not_found", `no artifact named ${name}`);
      const custom = repo.customs.get(name);
      const warnings = loadArtifact(a.raw, repo.loadOptions()).diagnostics.filter((d) => d.severity !== "error");
      const d: ArtifactDetails = { ...summarize(a), artifact: a, yaml: a.raw, warnings };
      if (custom) {
        Object.assign(d, { version: custom.record.version, createdBy: custom.record.createdBy, createdAt: custom.record.createdAt });
        if (name.startsWith(repo.prefix) && repo.builtins.has(name.slice(repo.prefix.length))) d.overrides = name.slice(repo.prefix.length);
      }
      return d;
    },

    async history(actor: Principal, name: string, limit = 50): Promise<ArtifactChange[]> {
      requirePermission(actor, "READ_RESULTS");
      const rows = await queries.listArtifactHistory(db, { name, limit: Math.min(Math.max(limit, 1), 500) });
      return rows.map((r) => ({ id: r.id, name: r.name, operation: r.operation, version: r.version, principal: r.principal, at: r.at, details: r.details as Record<string, unknown>, yaml: r.yaml }));
    },

    async editableYaml(actor: Principal, name: string): Promise<string> {
      requirePermission(actor, "READ_RESULTS");
      await refresh();
      const custom = repo.customs.get(name) ?? repo.customs.get(customName(name, repo.prefix));
      if (custom) return custom.artifact.raw;
      const builtin = repo.builtins.get(name);
      if (!builtin) throw new ServiceError("not_found", `no artifact named ${name}`);
      return withName(builtin.raw, customName(name, repo.prefix));
    },
  };
}
