// A test server in its own process (so tests can kill it): `node --import tsx
// engine/integration/server-main.ts --data DIR --port N [--database-url URL] [--repository]`.
// Prints `READY <url> <deployment token>` when listening. With --repository collections use the
// artifact repository (event artifacts need it) instead of the test fixtures. Test code only.
import { parseArgs } from "node:util";
import { permissionsOf } from "../server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { FIXTURE_ARTIFACTS, startTestServer, testArtifacts } from "./harness";

const admin: Principal = { userId: "t", username: "tester", role: "administrator", permissions: permissionsOf("administrator"), via: "system" };

const { values } = parseArgs({ options: { data: { type: "string" }, port: { type: "string" }, "database-url": { type: "string" }, repository: { type: "boolean", default: false } } });
const server = await startTestServer({
  dataDir: values.data,
  databaseUrl: values["database-url"],
  memory: false,
  port: Number(values.port ?? 0),
  ...(values.repository ? {} : { artifactSource: testArtifacts(FIXTURE_ARTIFACTS) }),
  interrogationsPerSecond: 0,
  // Two test hooks: GET /collect?client=&count= starts Test.Slow; GET /flow?client=&flow= gives its state.
  async onRequest(req, res, engine) {
    const u = new URL(req.url ?? "/", "http://x");
    const client = u.searchParams.get("client") ?? "";
    if (u.pathname === "/collect") {
      const f = await engine.flows.collect(admin, { clientId: client, artifacts: ["Test.Slow"], parameters: { Count: u.searchParams.get("count") ?? "1000", DelayMs: "2" } });
      return void res.end(f.flowId);
    }
    // GET /hunt?count=&rate=&limit=: a running hunt of Test.Slow (count rows, 5 ms apart) over
    // every client at `rate` clients a minute; GET /hunt-stats?hunt=: its HuntSummary as JSON;
    // GET /online: how many agents are connected.
    if (u.pathname === "/hunt") {
      const h = await engine.hunts.create(admin, { artifacts: ["Test.Slow"], parameters: { Count: u.searchParams.get("count") ?? "100", DelayMs: "5" }, clientRate: Number(u.searchParams.get("rate") ?? 0), clientLimit: Number(u.searchParams.get("limit") ?? 0) });
      return void res.end(h.huntId);
    }
    if (u.pathname === "/online") return void res.end(String(await engine.agents.count()));
    if (u.pathname === "/hunt-stats") return void res.end(JSON.stringify(await engine.hunts.get(admin, u.searchParams.get("hunt") ?? "")));
    // GET /logs: the server's log lines (memory logger), for debugging a test.
    if (u.pathname === "/logs") return void res.end(server.logs.join("\n"));
    if (u.pathname === "/flow") return void res.end((await engine.flows.get(admin, client, u.searchParams.get("flow") ?? "")).state);
    // GET /monitor?artifact=&yaml= (base64) saves a CLIENT_EVENT artifact and adds it to the client
    // event table as the first administrator; GET /unmonitor?artifact= removes it; GET
    // /stored?artifact= counts its stored rows (with &by=field: distinct values of a payload field;
    // &since=ms: stored since then).
    if (u.pathname === "/monitor" || u.pathname === "/unmonitor" || u.pathname === "/stored") {
      const first = await engine.accounts.ensureFirstAdmin();
      const user = (await engine.accounts.principalFor(first.created ? first.username : "admin"))!;
      const artifact = u.searchParams.get("artifact") ?? "";
      if (u.pathname === "/monitor") {
        await engine.artifacts.set(user, Buffer.from(u.searchParams.get("yaml") ?? "", "base64").toString("utf8"));
        await engine.monitoring.addClientArtifact(user, { artifact });
      } else if (u.pathname === "/unmonitor") await engine.monitoring.removeClientArtifact(user, { artifact });
      else {
        // With `by=<field>`: how many distinct values of that payload field (e.g. client_id).
        const by = u.searchParams.get("by");
        // With `since=<ms>`: only events stored at or after then.
        const since = u.searchParams.get("since");
        const distinct = new Set<unknown>();
        let n = 0;
        for (let after: Awaited<ReturnType<typeof engine.journal.history>>[number] | undefined; ; ) {
          const page = await engine.journal.history(artifact, { limit: 10_000, oldestFirst: true, ...(since ? { start: new Date(Number(since)) } : {}), ...(after ? { after } : {}) });
          n += page.length;
          if (by) for (const e of page) distinct.add(e.payload[by]);
          if (page.length < 10_000) break;
          after = page[page.length - 1];
        }
        return void res.end(String(by ? distinct.size : n));
      }
      return void res.end("ok");
    }
    res.writeHead(404).end();
  },
});
const token = await server.engine.clients.ensureDeploymentToken();
process.stdout.write(`READY ${server.url} ${token}\n`);
process.once("SIGTERM", () => {
  server.close().then(() => process.exit(0), () => process.exit(1));
});
