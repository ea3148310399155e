// `talon client --server URL[,URL…] --token T [--state DIR]`: the endpoint agent for this machine.
// Exit codes: 0 stopped by a signal, 2 usage, 3 refused by the server (wrong token, identity or
// protocol version; the reason is printed), 5 killed by the server (killkillkill(): a service
// manager with Restart=on-failure starts it again).
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseServerList } from "../client/connection/servers";
import { createLocalAgent, lineLog } from "../client/local";
import { TALON_VERSION } from "../server/version";
import type { CommandIo } from "./main";
import { EXIT_KILLED } from "./local-agent-settings";

export const CLIENT_HELP = `Usage: talon client --server URL[,URL...] --token TOKEN [--state DIR] [--rekey]

Runs the Talon agent for this machine: enrols with the server (first run), keeps one
connection to it, and runs the collections it is sent.

Options:
      --server URL   the Talon server, e.g. http://talon.example:3000 (env TALON_SERVER);
                     or a comma-separated list of servers of one deployment (one database):
                     the agent connects to the first, and when a connection fails or drops
                     it moves on to the next, wrapping around
      --token TOKEN  the deployment token from the Clients page (env TALON_TOKEN); needed to
                     enrol, not afterwards
      --state DIR    where the agent keeps its key and unsent results
                     (env TALON_AGENT_STATE, default ~/.talon-agent)
      --rekey        make a new key, keeping the client id, after an administrator
                     re-keyed this client on its client page (needs --token)
  -h, --help         show this help
`;

export async function clientCommand(argv: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { server: { type: "string" }, token: { type: "string" }, state: { type: "string" }, rekey: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } }, strict: true }));
  } catch (err) {
    io.stderr(`talon client: ${(err as Error).message}\n\n${CLIENT_HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(CLIENT_HELP);
    return 0;
  }
  const source = values.server !== undefined ? "--server" : "TALON_SERVER";
  const list = values.server ?? process.env.TALON_SERVER;
  if (!list) {
    io.stderr(`talon client: --server is required\n\n${CLIENT_HELP}`);
    return 2;
  }
  const parsed = parseServerList(list);
  if (!parsed.ok) {
    io.stderr(`talon client: ${source}: ${parsed.message}\n`);
    return 2;
  }
  const { servers } = parsed;
  const stateDir = resolve(values.state ?? process.env.TALON_AGENT_STATE ?? join(homedir(), ".talon-agent"));
  const agent = createLocalAgent({ servers, token: values.token ?? process.env.TALON_TOKEN, stateDir, version: TALON_VERSION, log: lineLog((l) => io.stderr(l + "\n")), rekey: values.rekey });
  io.stdout(`Talon agent ${agent.clientId} (${agent.created ? "new identity" : "existing identity"} in ${stateDir}) connecting to ${servers[0]}${servers.length > 1 ? ` (then ${servers.slice(1).join(", ")})` : ""}\n`);
  const onSignal = () => void agent.stop();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const outcome = await agent.run();
    // Its query workers keep the process alive until closed (unref'd workers still hold it).
    if (outcome.kind === "refused" || outcome.kind === "killed") await agent.stop().catch(() => {});
    if (outcome.kind === "killed") {
      io.stderr("talon client: the server killed this agent (killkillkill); exiting so that its service manager restarts it\n");
      return EXIT_KILLED;
    }
    if (outcome.kind === "refused") {
      io.stderr(`talon client: the server refused this agent: ${outcome.refusal.message}\n`);
      if (outcome.refusal.code === "rekey-required") io.stderr("talon client: run it once with --rekey to make the new key\n");
      return 3;
    }
    await agent.stop();
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
