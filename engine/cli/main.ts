// `talon`: the command-line entry. Each subcommand lives in its own module and is loaded only
// when used, so `talon query` does not pay for Next.js and `talon serve` not for the agent.
import { TALON_VERSION } from "../server/version";

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

interface Command {
  summary: string;
  run(argv: string[], io: CommandIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  client: {
    summary: "run the endpoint agent for this machine (enrols with a deployment token)",
    run: async (argv, io) => (await import("./client")).clientCommand(argv, io),
  },
  pool: {
    summary: "run N simulated endpoints in one process (tests, load runs)",
    run: async (argv, io) => (await import("./pool")).poolCommand(argv, io),
  },
  serve: {
    summary: "run the workspace (web app, API, agent endpoint) on one port",
    run: async (argv) => (await import("./serve")).serveCommand(argv),
  },
  query: {
    summary: "run VQL locally with the portable builtins and print the rows",
    run: async (argv, io) => {
      const { readFile } = await import("node:fs/promises");
      const { queryCommand } = await import("./query");
      // --server mode: the query runs on a Talon server (engine/cli/query-remote.ts).
      const remote = async function* (req: import("./query").RemoteQueryRequest) {
        yield* (await import("./query-remote")).remoteQuery(req);
      };
      return queryCommand(argv, { ...io, readFile: (p: string) => readFile(p, "utf8"), remote });
    },
  },
  artifacts: {
    summary: "check artifact YAML files: talon artifacts verify PATH...",
    run: async (argv, io) => (await import("./artifacts")).artifactsCommand(argv, io),
  },
};

/** Not listed in the help: started by other commands. */
const HIDDEN: Record<string, Command> = {
  "local-agent": {
    summary: "the server's own agent, started by talon serve (settings on stdin)",
    run: async (argv, io) => (await import("./local-agent")).localAgentCommand(argv, io),
  },
};

export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    `talon ${TALON_VERSION}: a notebook-first workspace for endpoint forensics and monitoring (VQL)`,
    "",
    "Usage: talon <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Options:",
    "  -h, --help     show help (also: talon <command> --help)",
    "  -v, --version  print the version",
    "",
  ].join("\n");
}

export async function main(argv: string[], io: CommandIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    io.stdout(helpText());
    return first === undefined ? 2 : 0;
  }
  if (first === "-v" || first === "--version" || first === "version") {
    io.stdout(`${TALON_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[first] ?? HIDDEN[first];
  if (!command) {
    io.stderr(`talon: unknown command "${first}"; run talon --help to see the commands\n`);
    return 2;
  }
  return command.run(rest, io);
}
