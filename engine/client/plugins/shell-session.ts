// shell_session() and shell_session_control(): Velociraptor's persistent shell sessions
// (Linux.Sys.BashShell). shell_session() starts a named program with pipes (or returns the
// running session of that name); shell_session_control() writes its stdin, closes it or kills
// the program. The output is read by selecting from the handle's Query (shell-session-state.ts).
import { arg, defineFunction, Timestamp, type BuiltinContext } from "@/engine/vql";
import { agentHost } from "./host";
import { getSession, ShellSession } from "./shell-session-state";

/** Velociraptor checks EXECVE at the call; on an agent the collecting user's permission decides. */
function refused(ctx: BuiltinContext): boolean {
  const host = agentHost(ctx.host);
  if (host.flow && !host.flow.permissions.has("EXECVE")) {
    ctx.log("ERROR", `permission denied: \`${ctx.name}()\` needs EXECVE`);
    return true;
  }
  return false;
}

export const shellSessionFunction = defineFunction({
  name: "shell_session",
  category: "client",
  doc: "Recreate or retrieve a shell session handle: starts `argv` with pipes on stdin, stdout and stderr under `name` (or returns the running session of that name). SELECT from the handle's `Query` to read its output as rows (Stdin, Stdout, Stderr, ReturnCode, Complete; the stdin written comes in order with the output); `IsRunning` is true once a query reads it. The program ends with its reader, or with the query that started it.",
  args: {
    argv: arg.list(arg.string()).required().doc("Argv to run the command with."),
    env: arg.dict().doc("Environment variables to launch with."),
    cwd: arg.string().doc("If specified we change to this working directory first."),
    secret: arg.string().doc("The name of a secret to use; secrets only exist on the server, so on an agent this is an error (as in Velociraptor)."),
    name: arg.string().default("").doc("The name of the shell session. If the session already exists, we just return a handle to it."),
  },
  permissions: ["EXECVE"],
  platforms: ["client"],
  version: 1,
  run({ argv, env, cwd, secret, name }, ctx) {
    if (refused(ctx)) return null;
    const existing = getSession(name);
    if (existing) return existing;
    if (!argv.length) {
      ctx.log("ERROR", "shell_session: Argv not provided");
      return null;
    }
    // Velociraptor's mergeSecretToRequest: no server config on a client.
    if (secret) {
      ctx.log("ERROR", "shell_session: Secrets may only be used on the server");
      return null;
    }
    const system = agentHost(ctx.host).system;
    if (!system.spawnShell) {
      ctx.log("ERROR", "shell_session: this endpoint cannot run programs");
      return null;
    }
    const vars: Record<string, string> = {};
    if (env) for (const k of env.keys()) vars[k] = String(env.get(k) ?? "");
    ctx.log("INFO", `shell_session: Running external command [${argv.join(" ")}]`);
    let session: ShellSession;
    try {
      session = new ShellSession(name, Timestamp.fromMillis(ctx.now()), system.spawnShell(argv, { cwd: cwd || undefined, env: env ? vars : undefined }), (m) => ctx.log("ERROR", m));
    } catch (err) {
      ctx.log("ERROR", `shell_session: ${(err as Error).message}`);
      return null;
    }
    // The session belongs to the query that started it (Velociraptor: its root scope's destructor).
    if (ctx.signal.aborted) session.close();
    else ctx.signal.addEventListener("abort", () => session.close(), { once: true });
    return session;
  },
});

export const shellSessionControlFunction = defineFunction({
  name: "shell_session_control",
  category: "client",
  doc: "Control a previously created shell session: write `stdin` to it, close its stdin (the program usually exits; it is killed a second later if not) or kill it. Returns the session's handle.",
  args: {
    name: arg.string().default("").doc("The name of the shell session."),
    stdin: arg.string().doc("Write this string to the session stdin."),
    close_stdin: arg.bool().doc("If specified we close the stdin of the session. This will usually terminate the session gracefully."),
    kill: arg.bool().doc("If specified we kill the session."),
  },
  permissions: ["EXECVE"],
  platforms: ["client"],
  version: 1,
  run({ name, stdin, close_stdin, kill }, ctx) {
    if (refused(ctx)) return null;
    const session = getSession(name);
    if (!session) {
      ctx.log("ERROR", `shell_session_control: session ${name} not known`);
      return null;
    }
    if (stdin) session.writeStdin(stdin);
    if (close_stdin) session.closeStdin();
    if (kill) session.close();
    return session;
  },
});
