// Favorites: one user's saved collection specs, listed by type and name, saved (replacing one of
// the same user, type and name, as Velociraptor's SetSubject does) and deleted.
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { favorites, type FavoriteRecord } from "../schema";

export async function listFavorites(db: Db, username: string, type?: string): Promise<FavoriteRecord[]> {
  const where = type ? and(eq(favorites.username, username), eq(favorites.type, type)) : eq(favorites.username, username);
  return db.select().from(favorites).where(where).orderBy(asc(favorites.type), asc(favorites.name));
}

export async function saveFavorite(db: Db, p: { username: string; type: string; name: string; description: string; spec: unknown; at: Date }): Promise<void> {
  await db
    .insert(favorites)
    .values({ username: p.username, type: p.type, name: p.name, description: p.description, spec: p.spec, updatedAt: p.at })
    .onConflictDoUpdate({ target: [favorites.username, favorites.type, favorites.name], set: { description: p.description, spec: p.spec, updatedAt: p.at } });
}

/** True when a favorite was deleted. */
export async function deleteFavorite(db: Db, p: { username: string; type: string; name: string }): Promise<boolean> {
  const rows = await db
    .delete(favorites)
    .where(and(eq(favorites.username, p.username), eq(favorites.type, p.type), eq(favorites.name, p.name)))
    .returning({ name: favorites.name });
  return rows.length > 0;
}
