// The favorites service: each user's saved collection specs, read and written in the database
// (so every process sharing it sees the same), saved and deleted with an audit entry naming the
// favorite and its artifacts.
import { queries } from "@/drizzle";
import type { FavoriteRecord } from "@/drizzle/schema";
import { requirePermission, ServiceError, type AuditService, type Favorite, type FavoriteArtifactSpec, type FavoriteType, type FavoritesService, type ServiceDeps } from "@/engine/server/contracts";
import { checkName, checkSpec, checkType } from "./validate";

export interface FavoritesDeps extends Pick<ServiceDeps, "database" | "clock"> {
  audit: Pick<AuditService, "record">;
}

function toFavorite(r: FavoriteRecord): Favorite {
  return { name: r.name, description: r.description, spec: r.spec as FavoriteArtifactSpec[], type: r.type as FavoriteType, updatedAt: r.updatedAt };
}

export function startFavorites(deps: FavoritesDeps): FavoritesService {
  const { db } = deps.database;
  return {
    async list(actor, type) {
      requirePermission(actor, "READ_RESULTS");
      const t = type === undefined || type === "" ? undefined : checkType(type);
      return (await queries.listFavorites(db, actor.username, t)).map(toFavorite);
    },

    async save(actor, p) {
      const name = checkName(p.name);
      const type = checkType(p.type);
      const spec = checkSpec(p.spec);
      const description = typeof p.description === "string" ? p.description.slice(0, 4000) : "";
      const at = deps.clock.now();
      await queries.saveFavorite(db, { username: actor.username, type, name, description, spec, at });
      await deps.audit.record(actor, "favorites_save", { name, type, artifacts: spec.map((s) => s.artifact) });
      return { name, description, spec, type, updatedAt: at };
    },

    async remove(actor, name, type) {
      const n = checkName(name);
      const t = checkType(type);
      if (!(await queries.deleteFavorite(db, { username: actor.username, type: t, name: n }))) throw new ServiceError("not_found", `no ${t} favorite named ${n}`);
      await deps.audit.record(actor, "favorites_delete", { name: n, type: t });
    },
  };
}
