// A server as `talon serve` starts it, in its own process, for the local-agent tests: secrets
// taken from the environment and scrubbed, the engine (no Next.js) and the local agent as a
// child process through serve.ts's startLocalClient. `node --import tsx
// engine/integration/serve-env-main.ts --data DIR`. Prints `READY <url>` once the local agent
// reported its client id. Hooks: GET /env (this process's environment as it is now), GET
// /agent ({pid, clientId} of the local agent child), GET /collect?as=investigator|admin (a
// Linux.Sys.Users collection on the local agent: the flow or the refusal). SIGTERM stops the
// local agent, then the server. Test code only.
import { parseArgs } from "node:util";
import { startLocalClient } from "../cli/serve";
import { takeStartupSecrets } from "../cli/secrets-env";
import { permissionsOf } from "../server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { startTestServer } from "./harness";

const { values } = parseArgs({ options: { data: { type: "string" } } });
const secrets = takeStartupSecrets();
const as = (role: string): Principal => ({ userId: role, username: role, role, permissions: permissionsOf(role), via: "session" });
let agent: ReturnType<typeof startLocalClient> | undefined;
const server = await startTestServer({
  dataDir: values.data,
  databaseUrl: secrets.databaseUrl,
  adminPassword: secrets.adminPassword,
  memory: false,
  interrogationsPerSecond: 0,
  async onRequest(req, res, engine) {
    const u = new URL(req.url ?? "/", "http://x");
    res.setHeader("Content-Type", "application/json");
    if (u.pathname === "/env") return void res.end(JSON.stringify(process.env));
    if (u.pathname === "/agent") return void res.end(JSON.stringify({ pid: agent?.pid(), clientId: agent?.clientId() }));
    if (u.pathname === "/collect") {
      try {
        const f = await engine.flows.collect(as(u.searchParams.get("as") ?? "investigator"), { clientId: agent?.clientId() ?? "", artifacts: ["Linux.Sys.Users"] });
        return void res.end(JSON.stringify({ flowId: f.flowId }));
      } catch (err) {
        return void res.end(JSON.stringify({ error: (err as Error).message }));
      }
    }
    res.writeHead(404).end("{}");
  },
});
agent = startLocalClient(server.url, server.engine, (line) => process.stderr.write(line + "\n"));
await agent.ready;
process.stdout.write(`READY ${server.url}\n`);
process.once("SIGTERM", () => {
  void (async () => {
    await agent?.stop();
    await server.close();
    process.exit(0);
  })();
});
