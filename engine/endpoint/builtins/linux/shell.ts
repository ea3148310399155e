// shell_session()'s process: a program with pipes on stdin, stdout and stderr (no pty: Node has
// none built in, and a shell without one simply runs non-interactively, as Velociraptor's does).
import { spawn } from "node:child_process";
import type { ShellProcess } from "../system";

export function spawnShell(argv: string[], opts: { cwd?: string; env?: Record<string, string> }): ShellProcess {
  if (!argv.length) throw new Error("Argv not provided");
  const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd || undefined, env: opts.env ? { ...process.env, ...opts.env } : process.env, stdio: ["pipe", "pipe", "pipe"] });
  let onOutput: (stream: "Stdout" | "Stderr", data: string) => void = () => {};
  let onExit: (code: number | null, error?: Error) => void = () => {};
  let exited = false;
  const exit = (code: number | null, error?: Error) => {
    if (exited) return;
    exited = true;
    onExit(code, error);
  };
  child.stdout.setEncoding("utf8").on("data", (d: string) => onOutput("Stdout", d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => onOutput("Stderr", d));
  // Writing to a program that has exited fails with EPIPE: the exit is reported by close.
  child.stdin.on("error", () => {});
  child.on("error", (err) => exit(null, err));
  child.on("close", (code) => exit(code));
  return {
    onOutput: (cb) => void (onOutput = cb),
    onExit: (cb) => void (onExit = cb),
    write: (data) => void (child.stdin.writable && child.stdin.write(data)),
    closeStdin: () => void child.stdin.end(),
    pause: () => (child.stdout.pause(), child.stderr.pause(), undefined),
    resume: () => (child.stdout.resume(), child.stderr.resume(), undefined),
    kill: () => void (child.exitCode === null && child.signalCode === null && child.kill("SIGKILL")),
  };
}
