// A cheap round trip that proves the database answers.
import { sql } from "drizzle-orm";
import type { Db } from "../client";

export async function pingDatabase(db: Db): Promise<string> {
  const rows = (await db.execute(sql`select version() as v`)) as unknown;
  const list = Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows;
  const v = (list[0] as { v?: string } | undefined)?.v ?? "";
  return v.split(" on ")[0] ?? v;
}
