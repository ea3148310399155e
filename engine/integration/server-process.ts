// Starting engine/integration/server-main.ts in its own process (so a test can SIGKILL it) and
// starting it again on the same port. Test code only.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  token: string;
  out: () => string;
}

export function startServerProcess(o: { dataDir: string; port: number; databaseUrl?: string; repository?: boolean; env?: Record<string, string> }): Promise<ServerProcess> {
  const args = ["--import", "tsx", "engine/integration/server-main.ts", "--data", o.dataDir, "--port", String(o.port), ...(o.databaseUrl ? ["--database-url", o.databaseUrl] : []), ...(o.repository ? ["--repository"] : [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...o.env } });
  let out = "";
  child.stderr!.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /READY (\S+) (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, token: m[2]!, out: () => out });
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

/** Starts it on `port` again, retrying while the old process's port is still held. */
export async function restartServerProcess(o: { dataDir: string; port: number; databaseUrl?: string; repository?: boolean; env?: Record<string, string> }): Promise<ServerProcess> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startServerProcess(o);
    } catch (err) {
      if (attempt >= 20 || !/EADDRINUSE/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
