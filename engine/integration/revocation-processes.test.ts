// Revocation across real processes (PostgreSQL only: PGlite is one process): the browsers'
// sockets are on a server in its own OS process (engine/integration/server-main.ts), the access
// changes are made by a server in this one, on the same database. The other process learns of
// them only through the journal: an unshared reader's subscription is taken away and her
// editor stops receiving the live edits (a witness editor on the same process still gets them);
// a disabled user's socket is closed with 4401.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgres } from "@/e2e/support/talon-process";
import type { Principal } from "@/engine/server/contracts";
import { collabClient, uiSocket } from "./browser-sockets";
import { startTestServer, waitFor, type TestServer } from "./harness";
import { startServerProcess, type ServerProcess } from "./server-process";

const adminUrl = process.env.TEST_DATABASE_URL;
const PASSWORD = "revocation-processes-pw-9";

describe.runIf(Boolean(adminUrl))("revocation reaches open sockets in another OS process (PostgreSQL)", () => {
  let pg: { url: string; drop(): Promise<void> };
  let here: TestServer;
  let other: ServerProcess;
  let admin: Principal;
  let adminToken: string;
  const dir = mkdtempSync(join(tmpdir(), "talon-revocation-"));
  const cleanup: Array<() => void> = [];

  async function signIn(name: string) {
    const r = await here.engine.accounts.signIn(name, PASSWORD, { userAgent: "test", ip: "127.0.0.1" });
    if (!r.ok) throw new Error(r.reason);
    return r;
  }

  beforeAll(async () => {
    pg = await freshPostgres(adminUrl!);
    here = await startTestServer({ databaseUrl: pg.url, adminPassword: PASSWORD, interrogationsPerSecond: 0, clusterTickMs: 200 });
    other = await startServerProcess({ dataDir: dir, port: 0, databaseUrl: pg.url });
    await here.engine.accounts.ensureFirstAdmin();
    const a = await signIn("admin");
    admin = a.principal;
    adminToken = a.token;
    await waitFor(() => here.engine.cluster.liveNodeIds().length === 2, "this process to see the other");
  }, 60_000);
  afterAll(async () => {
    for (const c of cleanup) c();
    other?.child.kill("SIGTERM");
    await new Promise((r) => (other?.child.exitCode !== null ? r(undefined) : other.child.once("exit", r)));
    await here?.close();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("an unshared reader's subscription and editor stop receiving; a disabled user's socket is closed", async () => {
    await here.engine.accounts.createUser(admin, { username: "rita", password: PASSWORD, role: "reader" });
    await here.engine.accounts.createUser(admin, { username: "dora", password: PASSWORD, role: "reader" });
    const rita = await signIn("rita");
    const dora = await signIn("dora");
    const nb = await here.engine.notebooks.create(admin, { name: "Shared across processes", collaborators: ["rita"] });
    const cell = await here.engine.notebooks.addCell(admin, nb.id, { type: "vql", input: "SELECT 1 FROM scope()" });
    const topic = `notebook:${nb.id}`;
    const ritaUi = await uiSocket(other, rita.token);
    const doraUi = await uiSocket(other, dora.token);
    cleanup.push(ritaUi.close, doraUi.close);
    expect(await ritaUi.subscribe(topic)).toMatchObject({ type: "subscribed" });
    expect(await doraUi.subscribe("clients")).toMatchObject({ type: "subscribed" });
    const ritaDoc = await collabClient(other, rita.token, nb.id);
    const witnessDoc = await collabClient(other, adminToken, nb.id);
    const adminDoc = await collabClient(here, adminToken, nb.id);
    cleanup.push(ritaDoc.destroy, witnessDoc.destroy, adminDoc.destroy);
    adminDoc.type(cell.id, " -- while shared");
    await waitFor(() => ritaDoc.text(cell.id).includes("while shared"), "rita's editor to receive the live edit");

    const t0 = Date.now();
    await here.engine.notebooks.update(admin, nb.id, { collaborators: [] });
    await waitFor(() => ritaUi.on(topic, "unsubscribed").length === 1, "rita's subscription to be taken away", 3000);
    console.info(`[revocation processes] unshare → ui unsubscribed in the other process in ${Date.now() - t0} ms`);
    await sleep(300);
    adminDoc.type(cell.id, " -- secret typed");
    await waitFor(() => witnessDoc.text(cell.id).includes("secret typed"), "the witness editor on the other process to receive the edit");
    await sleep(300);
    expect(ritaDoc.text(cell.id)).not.toContain("secret");

    await here.engine.accounts.setDisabled(admin, "dora", true);
    await waitFor(() => doraUi.closed(), "dora's socket in the other process to close", 3000);
    expect(doraUi.closed()).toEqual({ code: 4401, reason: "your account was disabled" });
  });
});
