// Test databases: a fresh in-memory PGlite, and when TEST_DATABASE_URL is set, a fresh
// PostgreSQL database created for the test file and dropped afterwards.
import { randomBytes } from "node:crypto";
import { openDatabase, type Database } from "./client";

export interface TestDatabaseTarget {
  name: "pglite" | "postgres";
  open(): Promise<Database>;
}

async function openFreshPostgres(adminUrl: string): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const name = `talon_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const inner = await openDatabase({ url: url.toString() });
  return {
    ...inner,
    async close() {
      await inner.close();
      const drop = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await drop.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await drop.end();
    },
  };
}

/** The databases every DB test runs against: PGlite always, PostgreSQL when configured. */
export function testDatabaseTargets(): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [
    { name: "pglite", open: () => openDatabase({ memory: true }) },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) targets.push({ name: "postgres", open: () => openFreshPostgres(url) });
  return targets;
}
