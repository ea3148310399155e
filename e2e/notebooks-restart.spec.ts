// A notebook survives a server restart: text typed into a cell (live, through the
// collaboration socket, never saved as a version) is still there, and a cell that was running
// when the server stopped shows "interrupted" instead of spinning forever.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { expect, test } from "@playwright/test";
import WebSocket from "ws";
import * as Y from "yjs";
import { freshPostgres, startTalon, type TalonProcess } from "./support/talon-process";

async function session(s: TalonProcess) {
  const res = await fetch(`${s.url}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: s.url },
    body: JSON.stringify({ username: "admin", password: "restart-nb-pw" }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${s.url}${path}`, { method, headers: { "Content-Type": "application/json", Origin: s.url, cookie }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await r.json();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  return { cookie, call };
}

/** A Node collaborator on the notebook's document (the browser's session cookie authenticates). */
async function collaborate(s: TalonProcess, cookie: string, notebookId: string) {
  class CookieSocket extends WebSocket {
    constructor(url: string) {
      super(url, { headers: { cookie, origin: s.url } });
    }
  }
  const doc = new Y.Doc();
  const websocketProvider = new HocuspocusProviderWebsocket({ url: `${s.url.replace("http", "ws")}/api/ws/collab`, WebSocketPolyfill: CookieSocket });
  const provider = new HocuspocusProvider({ websocketProvider, name: notebookId, document: doc, token: "session" });
  provider.attach();
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("collaboration did not sync")), 10_000);
    provider.on("synced", () => {
      clearTimeout(t);
      resolve();
    });
  });
  return {
    doc,
    close() {
      provider.destroy();
      websocketProvider.destroy();
    },
  };
}

test("typed text and running cells survive a restart: text kept, runs marked interrupted", async ({}, testInfo) => {
  test.setTimeout(180_000);
  const kind = testInfo.project.metadata.databaseKind as string;
  const dataDir = mkdtempSync(join(tmpdir(), "talon-nb-restart-"));
  const pg = kind === "postgres" ? await freshPostgres(process.env.TEST_DATABASE_URL!) : undefined;
  const base = Number(process.env.E2E_PORT ?? 3100);
  const opts = { port: base + (kind === "postgres" ? 33 : 32), dataDir, databaseUrl: pg?.url, adminPassword: "restart-nb-pw" };
  try {
    const first = await startTalon(opts);
    const a = await session(first);
    const { notebook } = await a.call("POST", "/api/notebooks", { name: "Survivor" });
    const typed = notebook.cells[0].id as string;
    const { cell: slow } = await a.call("POST", `/api/notebooks/${notebook.id}/cells`, { type: "vql" });

    const live = await collaborate(first, a.cookie, notebook.id);
    const text = live.doc.getMap<Y.Text>("inputs").get(typed)!;
    expect(text).toBeInstanceOf(Y.Text);
    text.insert(0, "SELECT 'typed, never saved' AS Note FROM scope()");
    await a.call("POST", `/api/notebooks/${notebook.id}/cells/${slow.id}/run`, { input: "SELECT sleep(time=120) AS Slept FROM scope()" });
    await expect.poll(async () => (await a.call("GET", `/api/notebooks/${notebook.id}`)).notebook.cells[1].status, { timeout: 10_000 }).toBe("running");
    await new Promise((r) => setTimeout(r, 300));
    live.close();

    expect(await first.stop("SIGTERM")).toBe(0);

    const second = await startTalon(opts);
    const b = await session(second);
    const after = (await b.call("GET", `/api/notebooks/${notebook.id}`)).notebook;
    expect(after.cells[1].status).toBe("interrupted");
    expect(after.cells[1].error).toMatch(/server stopped/);
    const again = await collaborate(second, b.cookie, notebook.id);
    expect(again.doc.getMap<Y.Text>("inputs").get(typed)?.toString()).toBe("SELECT 'typed, never saved' AS Note FROM scope()");
    again.close();
    expect(await second.stop("SIGTERM")).toBe(0);
  } finally {
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
