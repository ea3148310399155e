// Runs the server's own agent as a child process (`talon local-agent`), never inside the server:
// a scrubbed environment (childEnv), its settings and the deployment token on stdin, its state
// in <data dir>/local-client. Restarted when it exits (backoff from 1 s to 60 s, reset after a
// minute up); started with rekey once when the server asked for a new key (exit 4); stopped
// with the server (stdin closed and SIGTERM, SIGKILL after 5 s). Reports the agent's client id
// (`CLIENT <id>` on its stdout) so the server records it as its own host.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { childEnv } from "./secrets-env";
import { EXIT_REKEY, type LocalAgentSettings } from "./local-agent-settings";

const TALON = fileURLToPath(new URL("../../scripts/talon.mjs", import.meta.url));

export interface SupervisorOptions {
  settings: () => Promise<Omit<LocalAgentSettings, "rekey">>;
  onClientId(clientId: string): Promise<void> | void;
  /** One line of the agent's output or of the supervisor's own news. */
  log(line: string): void;
  /** argv that runs `talon local-agent` (default: this node and scripts/talon.mjs). */
  command?: string[];
  backoff?: { baseMs: number; maxMs: number };
}

export interface LocalAgentSupervisor {
  /** The running child's pid. */
  pid(): number | undefined;
  clientId(): string | undefined;
  /** Resolves when a child has reported its client id. */
  ready: Promise<string>;
  stop(): Promise<void>;
}

export function superviseLocalAgent(o: SupervisorOptions): LocalAgentSupervisor {
  const backoff = o.backoff ?? { baseMs: 1000, maxMs: 60_000 };
  const command = o.command ?? [process.execPath, TALON, "local-agent"];
  let child: ChildProcess | undefined;
  let stopping = false;
  let delay = backoff.baseMs;
  let rekey = false;
  let clientId: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let markReady: (id: string) => void = () => {};
  const ready = new Promise<string>((r) => (markReady = r));

  async function start() {
    if (stopping) return;
    let settings;
    try {
      settings = { ...(await o.settings()), rekey };
    } catch (err) {
      o.log(`the local client could not start: ${(err as Error).message}`);
      return schedule();
    }
    rekey = false;
    const startedAt = Date.now();
    const c = spawn(command[0]!, command.slice(1), { env: childEnv() as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
    child = c;
    // A child that dies at once closes the pipe: EPIPE here must not take the server down.
    c.stdin!.on("error", () => {});
    c.stdin!.write(JSON.stringify(settings) + "\n");
    createInterface({ input: c.stdout! }).on("line", (line) => {
      const m = /^CLIENT (C\.[0-9a-f]{16})$/.exec(line);
      if (!m) return o.log(line);
      clientId = m[1]!;
      Promise.resolve(o.onClientId(clientId)).then(
        () => markReady(clientId!),
        (err) => o.log(`could not record the local client ${clientId}: ${(err as Error).message}`),
      );
    });
    createInterface({ input: c.stderr! }).on("line", (line) => o.log(line));
    c.on("error", (err) => o.log(`the local client could not start: ${err.message}`));
    c.on("exit", (code, signal) => {
      if (child === c) child = undefined;
      if (stopping) return;
      if (code === EXIT_REKEY) rekey = true;
      if (Date.now() - startedAt > 60_000) delay = backoff.baseMs;
      o.log(`the local client exited (${signal ?? `code ${code}`}); starting it again in ${Math.round(delay / 1000)} s`);
      schedule();
    });
  }

  function schedule() {
    if (stopping) return;
    timer = setTimeout(() => void start(), rekey ? 0 : delay);
    timer.unref();
    delay = Math.min(delay * 2, backoff.maxMs);
  }

  void start();

  return {
    pid: () => child?.pid,
    clientId: () => clientId,
    ready,
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((r) => c.once("exit", () => r()));
      c.stdin?.end();
      c.kill("SIGTERM");
      const kill = setTimeout(() => c.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(kill);
    },
  };
}
