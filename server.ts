// One process, one port: Next.js (App Router) for pages and route handlers, a WebSocket
// upgrade router for /api/ws/*, and the engine's services. The front door (engine/server/http)
// authenticates every request and refuses cross-site state changes before Next sees them.
// Run through `talon serve` (scripts/talon.mjs), or `node --import tsx server.ts`.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import next from "next";
import type { Engine } from "./engine";
import { createEngine } from "./engine/server/wiring";
import { authenticate, csrfProblem, isPublicPath } from "./engine/server/http/gate";
import { parseTrustedProxies, stampClientAddress, TRUSTED_PROXIES_ENV } from "./engine/server/net/client-address";
import { createWsRouter } from "./engine/server/ws/router";

export interface ServeOptions {
  port: number;
  host: string;
  dev: boolean;
  dataDir: string;
  databaseUrl?: string;
  adminPassword?: string;
  /** Extra origins allowed for browser requests (when served behind a proxy). */
  publicOrigins?: string[];
  /** TALON_TRUSTED_PROXIES: IPs and CIDRs of reverse proxies whose X-Forwarded-For is believed. */
  trustedProxies?: string;
}

export interface RunningServer {
  url: string;
  engine: Engine;
  close(): Promise<void>;
}

const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "same-origin",
  "Content-Security-Policy": "frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
};

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify(body));
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const root = fileURLToPath(new URL(".", import.meta.url));
  const engine = await createEngine({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl, adminPassword: opts.adminPassword });
  const log = engine.log;
  // Route handlers and server components find the engine here: Next bundles them separately
  // from this file, so a module-level singleton would not be shared.
  (globalThis as { __talonEngine?: Engine }).__talonEngine = engine;

  const first = await engine.accounts.ensureFirstAdmin();
  if (first.created && !opts.adminPassword) {
    process.stdout.write(
      `\n  First start: an administrator was created.\n    user:     ${first.username}\n    password: ${first.password}\n  This password is shown once. Change it under Account after signing in.\n\n`,
    );
  }

  const trusted = parseTrustedProxies(opts.trustedProxies);
  for (const problem of trusted.problems) log.warn(`${TRUSTED_PROXIES_ENV}: ${problem}; ignored`);

  const httpServer = createServer();
  const app = next({ dev: opts.dev, dir: root, hostname: opts.host, port: opts.port, httpServer, quiet: !opts.dev });
  const handle = app.getRequestHandler();
  const router = createWsRouter({ log, authenticate: (req) => authenticate(req, engine.accounts), extraOrigins: opts.publicOrigins });
  for (const route of engine.wsRoutes) router.add(route);

  async function onRequest(req: IncomingMessage, res: ServerResponse) {
    stampClientAddress(req, trusted.proxies);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const url = new URL(req.url ?? "/", "http://localhost");
    const isApi = url.pathname.startsWith("/api/");
    const csrf = csrfProblem(req, opts.publicOrigins);
    if (csrf) return sendJson(res, 403, { error: "csrf", message: csrf });
    if (!isPublicPath(url.pathname)) {
      const principal = await authenticate(req, engine.accounts);
      if (!principal) {
        if (isApi) return sendJson(res, 401, { error: "unauthorized", message: "sign in first" });
        const nextPath = url.pathname + url.search;
        res.writeHead(303, { Location: `/login?next=${encodeURIComponent(nextPath)}`, "Cache-Control": "no-store" });
        return void res.end();
      }
    }
    await handle(req, res);
  }

  httpServer.on("request", (req, res) => {
    onRequest(req, res).catch((err) => {
      const id = Math.random().toString(36).slice(2, 10);
      log.error("request failed", { id, path: req.url, error: (err as Error).message });
      if (!res.headersSent) sendJson(res, 500, { error: "internal", message: `internal error (id ${id})` });
      else res.end();
    });
  });
  httpServer.on("upgrade", (req, socket, head) => {
    stampClientAddress(req, trusted.proxies);
    router
      .handleUpgrade(req, socket, head)
      .then((handled) => {
        // In development Next's own listener answers /_next/hmr; in production nothing else will.
        if (!handled && !opts.dev) socket.destroy();
      })
      .catch(() => socket.destroy());
  });

  await app.prepare();
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(opts.port, opts.host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  const url = `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      httpServer.close();
      await router.closeAll();
      httpServer.closeAllConnections();
      await app.close().catch(() => {});
      await engine.close();
      delete (globalThis as { __talonEngine?: Engine }).__talonEngine;
    })());
  return { url, engine, close };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const { serveCommand } = await import("./engine/cli/serve");
  process.exitCode = await serveCommand(process.argv.slice(2));
}
