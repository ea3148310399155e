// Routes HTTP upgrades to WebSocket endpoints by path (ws with noServer, so Next's own dev HMR
// socket keeps working). Browser endpoints need a signed-in session and a same-site Origin;
// agent endpoints authenticate inside their own protocol. Unknown paths are left to Next in
// development (HMR) and closed in production.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { Logger, Principal, WsRoute } from "@/engine/server/contracts";
import { originProblem } from "../http/gate";

export type { WsRoute };

export interface WsRouter {
  add(route: WsRoute): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean>;
  /** Closes every open socket with 1001 (going away). */
  closeAll(): Promise<void>;
}

function refuse(socket: Duplex, status: number, text: string) {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

export function createWsRouter(opts: {
  log: Logger;
  authenticate(req: IncomingMessage): Promise<Principal | undefined>;
  extraOrigins?: readonly string[];
}): WsRouter {
  const routes = new Map<string, { route: WsRoute; wss: WebSocketServer }>();

  return {
    add(route) {
      if (routes.has(route.path)) throw new Error(`duplicate WebSocket route ${route.path}`);
      const wss = new WebSocketServer({ noServer: true, maxPayload: route.maxPayload, perMessageDeflate: false });
      routes.set(route.path, { route, wss });
    },

    async handleUpgrade(req, socket, head) {
      const { pathname } = new URL(req.url ?? "/", "http://localhost");
      const entry = routes.get(pathname);
      if (!entry) return false;
      socket.on("error", () => {});
      const { route, wss } = entry;
      let principal: Principal | undefined;
      if (route.auth === "browser") {
        const problem = originProblem(req, opts.extraOrigins);
        if (problem) {
          opts.log.warn("websocket refused", { path: pathname, reason: problem });
          refuse(socket, 403, "Forbidden");
          return true;
        }
        principal = await opts.authenticate(req).catch(() => undefined);
        if (!principal) {
          refuse(socket, 401, "Unauthorized");
          return true;
        }
      }
      const refusal = route.admit?.(req);
      if (refusal) {
        refuse(socket, refusal.status, refusal.status === 429 ? "Too Many Requests" : "Service Unavailable");
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => route.onConnection(ws, req, principal));
      return true;
    },

    async closeAll() {
      const closing: Promise<void>[] = [];
      for (const { wss } of routes.values()) {
        for (const ws of wss.clients) ws.close(1001, "server shutting down");
        closing.push(
          new Promise((resolve) => {
            const t = setTimeout(() => {
              for (const ws of wss.clients) ws.terminate();
              resolve();
            }, 2000);
            wss.close(() => {
              clearTimeout(t);
              resolve();
            });
          }),
        );
      }
      await Promise.all(closing);
    },
  };
}
