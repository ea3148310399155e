// The tool inventory's rows: list (without the bytes), one tool's row by name (and version), by
// download token with its bytes, insert-or-replace a definition, remove.
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "../client";
import { tools, type NewToolRecord, type ToolRecord } from "../schema";

export type ToolRow = Omit<ToolRecord, "data">;

const columns = {
  name: tools.name,
  version: tools.version,
  url: tools.url,
  githubProject: tools.githubProject,
  githubAssetRegex: tools.githubAssetRegex,
  serveLocally: tools.serveLocally,
  adminOverride: tools.adminOverride,
  expectedHash: tools.expectedHash,
  hash: tools.hash,
  filename: tools.filename,
  artifact: tools.artifact,
  token: tools.token,
  size: tools.size,
  createdAt: tools.createdAt,
  updatedAt: tools.updatedAt,
  updatedBy: tools.updatedBy,
};

export async function listTools(db: Db, p: { name?: string } = {}): Promise<ToolRow[]> {
  return db
    .select(columns)
    .from(tools)
    .where(p.name !== undefined ? eq(tools.name, p.name) : undefined)
    .orderBy(asc(tools.name), asc(tools.version));
}

export async function getToolByToken(db: Db, token: string): Promise<ToolRecord | undefined> {
  const [row] = await db.select().from(tools).where(eq(tools.token, token));
  return row;
}

/** Writes the definition of (name, version); keeps created_at and the token of a row it replaces, and its bytes unless `data` is given. */
export async function putTool(db: Db, row: NewToolRecord & { token: string; updatedAt: Date }): Promise<ToolRow> {
  // The token and created_at of an existing row stay: download URLs handed out earlier keep working.
  const { token: _token, createdAt: _created, ...rest } = row;
  const [out] = await db
    .insert(tools)
    .values({ ...row, createdAt: row.updatedAt })
    .onConflictDoUpdate({ target: [tools.name, tools.version], set: { ...rest } })
    .returning(columns);
  return out;
}

/**
 * An artifact's definition: inserted when (name, version) is missing, or replacing a row that says
 * nothing of where the file is and that no admin set; otherwise nothing changes (one statement,
 * so an admin's concurrent inventory_add() is never overwritten). True when it wrote.
 */
export async function declareTool(db: Db, row: NewToolRecord & { token: string; updatedAt: Date }): Promise<boolean> {
  const { token: _token, createdAt: _created, ...rest } = row;
  const r = await db
    .insert(tools)
    .values({ ...row, createdAt: row.updatedAt })
    .onConflictDoUpdate({
      target: [tools.name, tools.version],
      set: { ...rest },
      setWhere: and(eq(tools.adminOverride, false), eq(tools.url, ""), eq(tools.githubProject, ""), isNull(tools.size)),
    })
    .returning({ name: tools.name });
  return r.length > 0;
}

export async function deleteTool(db: Db, p: { name: string; version: string }): Promise<boolean> {
  const r = await db.delete(tools).where(and(eq(tools.name, p.name), eq(tools.version, p.version))).returning({ name: tools.name });
  return r.length > 0;
}
