// A test server in its own process (so tests can kill it): `node --import tsx
// engine/integration/server-main.ts --data DIR --port N [--database-url URL]`. Prints
// `READY <url> <deployment token>` when listening. Test code only.
import { parseArgs } from "node:util";
import { permissionsOf } from "../server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { FIXTURE_ARTIFACTS, startTestServer, testArtifacts } from "./harness";

const admin: Principal = { userId: "t", username: "tester", role: "administrator", permissions: permissionsOf("administrator"), via: "system" };

const { values } = parseArgs({ options: { data: { type: "string" }, port: { type: "string" }, "database-url": { type: "string" } } });
const server = await startTestServer({
  dataDir: values.data,
  databaseUrl: values["database-url"],
  memory: false,
  port: Number(values.port ?? 0),
  artifactSource: testArtifacts(FIXTURE_ARTIFACTS),
  interrogationsPerSecond: 0,
  // Two test hooks: GET /collect?client=&count= starts Test.Slow; GET /flow?client=&flow= gives its state.
  async onRequest(req, res, engine) {
    const u = new URL(req.url ?? "/", "http://x");
    const client = u.searchParams.get("client") ?? "";
    if (u.pathname === "/collect") {
      const f = await engine.flows.collect(admin, { clientId: client, artifacts: ["Test.Slow"], parameters: { Count: u.searchParams.get("count") ?? "1000", DelayMs: "2" } });
      return void res.end(f.flowId);
    }
    if (u.pathname === "/flow") return void res.end((await engine.flows.get(admin, client, u.searchParams.get("flow") ?? "")).state);
    res.writeHead(404).end();
  },
});
const token = await server.engine.clients.ensureDeploymentToken();
process.stdout.write(`READY ${server.url} ${token}\n`);
process.once("SIGTERM", () => {
  server.close().then(() => process.exit(0), () => process.exit(1));
});
