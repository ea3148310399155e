// execve(): runs a program on the endpoint (no shell). Allowed only when the user who started
// the collection holds EXECVE: the agent receives that user's permissions with each request.
import { arg, definePlugin } from "../../vql";
import { abortable } from "../../vql";
import { agentHost } from "./host";

export const execvePlugin = definePlugin({
  name: "execve",
  category: "client",
  doc: "Runs a program with arguments (no shell) and returns its output: Stdout, Stderr, ReturnCode, Complete (rows of at most `length` bytes).",
  args: {
    argv: arg.list(arg.string()).required().doc("The program and its arguments."),
    cwd: arg.string().doc("Working directory."),
    env: arg.dict().doc("Extra environment variables."),
    length: arg.int().default(10 * 1024 * 1024).min(1).doc("Bytes of output per row at most."),
    sep: arg.string().doc("Split the output into one row per piece between separators (e.g. \"\\n\"): each piece is a row's Stdout, stderr's too, as in Velociraptor."),
    secret: arg.string().doc("An execve secret's name; secrets only exist on the server, so on an agent this is an error (as in Velociraptor)."),
  },
  permissions: ["EXECVE"],
  platforms: ["client"],
  async *run({ argv, cwd, env, length, sep, secret }, ctx) {
    const host = agentHost(ctx.host);
    if (host.flow && !host.flow.permissions.has("EXECVE")) {
      ctx.log("ERROR", "permission denied: `execve()` needs EXECVE");
      return;
    }
    // Velociraptor vql/tools/shell/execve.go mergeSecretToRequest: no server config on a client.
    if (secret) {
      ctx.log("ERROR", "execve: Secrets may only be used on the server");
      return;
    }
    if (!host.system.execve) {
      ctx.log("ERROR", "execve: this endpoint cannot run programs");
      return;
    }
    const vars: Record<string, string> = {};
    if (env) for (const k of env.keys()) vars[k] = String(env.get(k) ?? "");
    for await (const r of abortable(host.system.execve(argv, { signal: ctx.signal, cwd, env: env ? vars : undefined, maxBytes: length, sep: sep || undefined }), ctx.signal)) yield { ...r };
  },
});
