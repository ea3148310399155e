// pskill(pid): kills a process on the endpoint, as Velociraptor's vql/functions/pskill.go: it
// needs EXECVE ("basically the same as shelling out"), sends SIGKILL, returns the pid, and on
// any failure logs `pskill: <reason>` and returns NULL. The agent itself and pid 1 are refused:
// killing either would end the collection (or the machine) rather than answer it.
import { arg, defineFunction } from "../../vql";
import { untilAborted } from "../../vql";
import { agentHost } from "./host";

export const pskillFunction = defineFunction({
  name: "pskill",
  category: "client",
  doc: "Kill the specified process (SIGKILL). Returns the pid, or NULL with a logged reason (no such process, not permitted). Needs EXECVE. The agent's own process and pid 1 are refused.",
  args: {
    pid: arg.int().required().doc("A pid to kill."),
  },
  permissions: ["EXECVE"],
  platforms: ["client"],
  sideEffects: true,
  async run({ pid }, ctx) {
    const host = agentHost(ctx.host);
    if (host.flow && !host.flow.permissions.has("EXECVE")) {
      ctx.log("ERROR", "pskill: permission denied: `pskill()` needs EXECVE");
      return null;
    }
    if (!host.system.kill) {
      ctx.log("ERROR", "pskill: this endpoint cannot kill processes");
      return null;
    }
    if (pid <= 1 || pid === process.pid) {
      ctx.log("ERROR", `pskill: refusing to kill pid ${pid} (${pid === process.pid ? "the agent itself" : "init"})`);
      return null;
    }
    try {
      await untilAborted(host.system.kill(pid), ctx.signal);
      return pid;
    } catch (err) {
      ctx.signal.throwIfAborted();
      const code = (err as NodeJS.ErrnoException).code;
      ctx.log("ERROR", `pskill: ${code === "ESRCH" ? `no process ${pid}` : code === "EPERM" ? `not permitted to kill pid ${pid}` : (err as Error).message}`);
      return null;
    }
  },
});
