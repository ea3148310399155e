// `talon pool --server URL[,URL…] --token T --count N [--seed S] [--spread] [--event-rate R]`:
// N simulated endpoints in this process for tests and load runs. Prints progress every few
// seconds until stopped.
import { parseArgs } from "node:util";
import { parseServerList } from "../client/connection/servers";
import { lineLog } from "../client/local";
import { DEFAULT_EVENT_RATE } from "../client/pool/events";
import { startPool } from "../client/pool/pool";
import { TALON_VERSION } from "../server/version";
import type { CommandIo } from "./main";

export const POOL_HELP = `Usage: talon pool --server URL[,URL...] --token TOKEN --count N
                  [--seed S] [--rate R] [--spread] [--event-rate R]

Runs N simulated endpoints in one process: each has its own identity and deterministic
synthetic data (Windows servers and workstations, Linux and macOS hosts), enrols with the
server and runs real collections through the agent protocol. The same seed gives the same
fleet (same client ids and hostnames).

Event artifacts run on them unchanged: Windows endpoints simulate watch_etw() (Sysmon,
Microsoft-Windows-Kernel-Process), watch_evtx() (Security.evtx, the Sysmon log) and
wmi_events() (process starts); Linux endpoints the agent's watch_syslog()
(auth.log/secure, syslog/messages), watch_journald() and watch_files(). Their activity is deterministic per seed, ordinary work with an
adversary on about one endpoint in eight (adm_peter and svc_iis logons, a renamed
schtasks.exe planting a task on srv_dc01, SSH password guessing), and pslist() follows
it. It costs nothing until an event query or pslist() asks.

Options:
      --server URL   the Talon server, or a comma-separated list of servers of one
                     deployment: each endpoint connects to the first and, when a
                     connection fails or drops, moves on to the next, wrapping around
      --token TOKEN  the deployment token
      --count N      how many endpoints
      --seed S       seed for identities and data (default "talon")
      --rate R       endpoints started per second (default 1000)
      --spread       share the endpoints among the listed servers: endpoint i starts at
                     server i mod (number of servers) and fails over from there
                     (default: every endpoint starts at the first)
      --event-rate R synthetic activities (processes, connections, logons, log lines)
                     per endpoint per second (default 1; 0 for quiet endpoints)
  -h, --help         show this help
`;

export async function poolCommand(argv: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { server: { type: "string" }, token: { type: "string" }, count: { type: "string" }, seed: { type: "string" }, rate: { type: "string" }, "event-rate": { type: "string" }, spread: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
      strict: true,
    }));
  } catch (err) {
    io.stderr(`talon pool: ${(err as Error).message}\n\n${POOL_HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(POOL_HELP);
    return 0;
  }
  const count = Number(values.count);
  if (!values.server || !values.token || !Number.isInteger(count) || count < 1) {
    io.stderr(`talon pool: --server, --token and a positive --count are required\n\n${POOL_HELP}`);
    return 2;
  }
  const eventRate = values["event-rate"] === undefined ? undefined : Number(values["event-rate"]);
  if (eventRate !== undefined && !(Number.isFinite(eventRate) && eventRate >= 0)) {
    io.stderr(`talon pool: --event-rate must be a number of events per endpoint per second (0 or more), found "${values["event-rate"]}"\n`);
    return 2;
  }
  const parsed = parseServerList(values.server);
  if (!parsed.ok) {
    io.stderr(`talon pool: --server: ${parsed.message}\n`);
    return 2;
  }
  const { servers } = parsed;
  const pool = startPool({ servers, spread: values.spread, token: values.token, count, seed: values.seed, startRate: values.rate ? Number(values.rate) : undefined, eventRate, version: TALON_VERSION, log: lineLog((l) => io.stderr(l + "\n"), "pool: ") });
  io.stdout(`Talon pool: starting ${count} simulated endpoints (seed "${values.seed ?? "talon"}", ${eventRate ?? DEFAULT_EVENT_RATE} events per endpoint per second) against ${servers.join(", ")}${values.spread && servers.length > 1 ? " (spread)" : ""}\n`);
  const t0 = Date.now();
  const timer = setInterval(() => {
    const s = pool.stats();
    // With several servers, where the online endpoints are (shows --spread and failovers at work).
    const where = servers.length > 1 ? ` (${servers.map((u) => `${u} ${pool.agents.filter((a) => a.agent.connection.currentServer === u).length}`).join(", ")})` : "";
    io.stdout(`${Math.round((Date.now() - t0) / 1000)} s: started ${s.started}, online ${s.online}${where}, welcomed ${s.welcomed} (enrolled ${s.enrolled}), refused ${s.refused}, collections done ${s.flowsDone}\n`);
  }, 5000);
  return new Promise<number>((resolve) => {
    const stop = () => {
      clearInterval(timer);
      pool.stop().then(() => resolve(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    pool.allWelcomed().then(() => {
      const s = pool.stats();
      if (s.refused === count) {
        clearInterval(timer);
        io.stderr("talon pool: every endpoint was refused (see above)\n");
        pool.stop().then(() => resolve(3));
      }
    });
  });
}
