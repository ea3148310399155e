// Starts and stops a `talon serve` process of a test's own (for restart and shutdown tests).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";

export interface TalonProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Milliseconds from spawn until /api/health answered 200. */
  startupMs: number;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startTalon(opts: { port: number; dataDir: string; databaseUrl?: string; adminPassword: string; noLocalClient?: boolean }): Promise<TalonProcess> {
  const t0 = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, TALON_NO_BUILD: "1", TALON_ADMIN_PASSWORD: opts.adminPassword, NEXT_TELEMETRY_DISABLED: "1" };
  delete env.DATABASE_URL;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  const child = spawn(process.execPath, ["scripts/talon.mjs", "serve", "--port", String(opts.port), "--data", opts.dataDir, ...(opts.noLocalClient ? ["--no-local-client"] : [])], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const url = `http://127.0.0.1:${opts.port}`;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`talon serve exited early:\n${out}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > 120_000) throw new Error(`talon serve did not become healthy:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const startupMs = Date.now() - t0;
  return {
    url,
    child,
    startupMs,
    output: () => out,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/** A fresh PostgreSQL database next to the one in adminUrl; returns its URL and a dropper. */
export async function freshPostgres(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: postgres } = await import("postgres");
  const name = `talon_e2e_${randomBytes(5).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    },
  };
}
