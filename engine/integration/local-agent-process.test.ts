// The local agent is its own process and secrets leave the environment (issue 13, item 2):
// the server (serve-env-main.ts, started as `talon serve` starts) is spawned with
// TALON_ADMIN_PASSWORD and, on PostgreSQL, a DATABASE_URL with a password. Seen before: the
// local agent ran inside the server and /proc/self/environ gave the password. Now: the
// server's process.env no longer holds them after start (its /proc/<pid>/environ still shows
// the initial environment, which is why the agent never reads the server's /proc entry); the
// local agent is a child process whose environment holds neither; it is restarted when it
// dies, with the same client id, and stopped with the server; collecting from it needs
// COLLECT_SERVER.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./harness";

const ROOT = join(__dirname, "..", "..");
const PASSWORD = `admin-${randomBytes(8).toString("hex")}`;

function environOf(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean)) {
    const i = entry.indexOf("=");
    out[entry.slice(0, i)] = entry.slice(i + 1);
  }
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A fresh PostgreSQL database with a password in its URL, when TEST_DATABASE_URL is set. */
async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) return undefined;
  const { default: postgres } = await import("postgres");
  const name = `talon_t_${randomBytes(6).toString("hex")}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database ${name}`);
  await sql.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const d = postgres(admin, { max: 1, onnotice: () => {} });
      await d.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await d.end();
    },
  };
}

const targets = ["pglite", ...(process.env.TEST_DATABASE_URL ? ["postgres"] : [])];

for (const target of targets) describe(`the local agent as a child process (${target})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "talon-local-agent-"));
  let server: ChildProcess;
  let url = "";
  let out = "";
  let pg: Awaited<ReturnType<typeof freshPostgres>>;

  const get = async <T,>(path: string): Promise<T> => (await (await fetch(url + path)).json()) as T;

  beforeAll(async () => {
    pg = target === "postgres" ? await freshPostgres() : undefined;
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TALON_ADMIN_PASSWORD: PASSWORD, ...(pg ? { DATABASE_URL: pg.url } : {}) };
    server = spawn(process.execPath, ["--import", "tsx", "engine/integration/serve-env-main.ts", "--data", dataDir], { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    server.stderr!.on("data", (d) => (out += d));
    url = await new Promise<string>((resolve, reject) => {
      server.stdout!.on("data", (d) => {
        out += d;
        const m = /READY (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server.once("exit", (code) => reject(new Error(`server exited (${code}):\n${out}`)));
    });
  }, 90_000);
  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill("SIGKILL");
      await new Promise((r) => server.once("exit", r));
    }
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("the server's process.env holds no secret after start, though /proc/<pid>/environ shows the initial environment", async () => {
    const env = await get<Record<string, string>>("/env");
    expect(env.TALON_ADMIN_PASSWORD).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(JSON.stringify(env)).not.toContain(PASSWORD);
    if (pg) expect(JSON.stringify(env)).not.toContain(new URL(pg.url).password || "\u0000");
    // What the kernel keeps cannot be changed from inside: the reason the agent is kept out of it.
    expect(environOf(server.pid!).TALON_ADMIN_PASSWORD).toBe(PASSWORD);
  });

  it("the local agent is its own process, a child of the server, with a scrubbed environment", async () => {
    const agent = await get<{ pid: number; clientId: string }>("/agent");
    expect(agent.pid).toBeGreaterThan(0);
    expect(agent.pid).not.toBe(server.pid);
    expect(agent.clientId).toMatch(/^C\.[0-9a-f]{16}$/);
    const ppid = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${agent.pid}/status`, "utf8"))![1]);
    expect(ppid).toBe(server.pid);
    const env = environOf(agent.pid);
    expect(env.TALON_ADMIN_PASSWORD).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    const raw = readFileSync(`/proc/${agent.pid}/environ`, "utf8");
    expect(raw).not.toContain(PASSWORD);
    if (pg) expect(raw).not.toContain(pg.url);
    // The deployment token came on stdin: not in its environment or command line.
    expect(Object.keys(env).every((k) => ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SHELL"].includes(k))).toBe(true);
    expect(readFileSync(`/proc/${agent.pid}/cmdline`, "utf8")).not.toMatch(/dt_/);
  });

  it("collecting from the local agent needs COLLECT_SERVER: an investigator is refused, an administrator is not", async () => {
    // Once it has enrolled (the client exists).
    const flowId = await waitFor(async () => (await get<{ flowId?: string }>("/collect?as=administrator")).flowId, "a collection on the local agent", 20_000);
    expect(flowId).toMatch(/^F\./);
    expect(await get<{ error?: string }>("/collect?as=investigator")).toMatchObject({ error: expect.stringContaining("COLLECT_SERVER") });
  });

  it("a local agent that dies is started again, with the same client id; stopping the server stops it", async () => {
    const before = await get<{ pid: number; clientId: string }>("/agent");
    process.kill(before.pid, "SIGKILL");
    const after = await waitFor(async () => {
      const a = await get<{ pid?: number; clientId: string }>("/agent");
      return a.pid && a.pid !== before.pid ? a : undefined;
    }, "the local agent to be started again", 20_000);
    expect(after.clientId).toBe(before.clientId);
    expect(alive(before.pid)).toBe(false);
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    await waitFor(() => !alive(after.pid!), "the local agent to stop with the server", 10_000);
  }, 40_000);
});
