// The favorites contract: each user's saved collection specs (Velociraptor's favorites_save(),
// favorites_delete(), favorites_list() and the GUI's GetFavorites), keyed by type and name. A
// user sees and changes only their own; saving one needs no permission (it is a preference, as
// in Velociraptor), listing needs READ_RESULTS.
import type { Principal } from "./common";

export const FAVORITE_TYPES = ["CLIENT", "SERVER", "CLIENT_EVENT", "SERVER_EVENT"] as const;
export type FavoriteType = (typeof FAVORITE_TYPES)[number];

/** One artifact of a saved collection, as Velociraptor's ArtifactSpec serialises it. */
export interface FavoriteArtifactSpec {
  artifact: string;
  parameters?: { env?: Array<{ key: string; value: string }> };
}

export interface Favorite {
  name: string;
  description: string;
  spec: FavoriteArtifactSpec[];
  type: FavoriteType;
  updatedAt: Date;
}

export interface FavoritesService {
  /** The actor's favorites, of one type or all (by type, then name). */
  list(actor: Principal, type?: string): Promise<Favorite[]>;
  /** Saves (or replaces) one of the actor's favorites. `spec` is a JSON string or a list of specs. */
  save(actor: Principal, p: { name: string; description?: string; spec: unknown; type: string }): Promise<Favorite>;
  /** Deletes one of the actor's favorites; not_found when there is none of that name and type. */
  remove(actor: Principal, name: string, type: string): Promise<void>;
}
