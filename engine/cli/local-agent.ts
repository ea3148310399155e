// `talon local-agent`: the server's own agent, started by `talon serve` as a child process
// (local-agent-supervisor.ts) with a scrubbed environment. Its settings, the deployment token
// among them, come as one JSON line on stdin (never in the environment or argv, which
// /proc/<pid>/environ and cmdline show). Prints `CLIENT <id>` once its identity is loaded.
// Exit codes: 0 stopped by a signal, 2 bad settings, 3 refused by the server, 4 the server
// asks for a new key (re-keyed: the supervisor starts it again with rekey set).
import { agentIsolationFromEnv } from "../client/isolation/config";
import { createLocalAgent, lineLog } from "../client/local";
import { TALON_VERSION } from "../server/version";
import type { CommandIo } from "./main";
import { EXIT_KILLED, EXIT_REFUSED, EXIT_REKEY, LocalAgentSettingsSchema, type LocalAgentSettings } from "./local-agent-settings";


/** The first line of the stream, which stays open (its end tells that the server is gone). */
function readLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const done = (line: string) => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      resolve(line);
    };
    const onData = (chunk: Buffer | string) => {
      text += String(chunk);
      const nl = text.indexOf("\n");
      if (nl >= 0 || text.length > 1_000_000) done(nl >= 0 ? text.slice(0, nl) : text);
    };
    const onEnd = () => done(text);
    stream.on("data", onData);
    stream.on("end", onEnd);
  });
}

export async function localAgentCommand(_argv: string[], io: CommandIo, stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  let s: LocalAgentSettings;
  try {
    s = LocalAgentSettingsSchema.parse(JSON.parse(await readLine(stdin)));
  } catch (err) {
    io.stderr(`talon local-agent: bad settings on stdin: ${(err as Error).message}\n`);
    return 2;
  }
  const agent = createLocalAgent({
    server: s.server,
    token: s.token,
    stateDir: s.stateDir,
    version: TALON_VERSION,
    log: lineLog((l) => io.stderr(l + "\n")),
    serverHost: { serverDataDir: s.serverDataDir, serverPid: s.serverPid },
    protectedPaths: s.protectedPaths,
    rekey: s.rekey,
    isolation: agentIsolationFromEnv(s.isolationEnv),
  });
  io.stdout(`CLIENT ${agent.clientId}\n`);
  const onSignal = () => void agent.stop();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // The server going away (killed, crashed) closes stdin: the agent ends too.
  stdin.once("end", onSignal);
  stdin.resume();
  const outcome = await agent.run();
  await agent.stop().catch(() => {});
  let code = 0;
  if (outcome.kind === "refused") {
    io.stderr(`talon local-agent: the server refused this agent: ${outcome.refusal.message}\n`);
    code = outcome.refusal.code === "rekey-required" ? EXIT_REKEY : EXIT_REFUSED;
  }
  // Killed by the server (killkillkill()): the supervisor starts it again.
  if (outcome.kind === "killed") code = EXIT_KILLED;
  stdin.removeAllListeners("end");
  (stdin as NodeJS.ReadStream).destroy?.();
  // Whatever handle is left (a socket closing) does not keep the process past a second.
  setTimeout(() => process.exit(code), 1000).unref();
  return code;
}
