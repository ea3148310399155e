// The bodies the UI sends (app/_components) reach the services through the zod-checked routes:
// users and API keys (users-admin.tsx), notebooks and their cells (notebook-list.tsx, cell.tsx,
// notebook-editor.tsx), a client's labels, metadata and collections (client-view.tsx,
// collect-dialog.tsx), the Collect dialog's favorites (collect-favorites.tsx) and server metadata; a body of the wrong shape is a 400 naming the field.
// Runs the route handlers against a real engine on each test database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queries } from "@/drizzle";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { Engine } from "@/engine/server/contracts";
import { createLogger } from "@/engine/server/log";
import { createEngine } from "@/engine/server/wiring";
import { principal } from "../server/services/notebooks/testing";

vi.mock("server-only", () => ({}));
vi.mock("@/app/_server/auth", () => ({ currentPrincipal: async () => principal("admin", "administrator") }));

const users = await import("@/app/api/users/route");
const user = await import("@/app/api/users/[username]/route");
const apiKeys = await import("@/app/api/api-keys/route");
const notebooks = await import("@/app/api/notebooks/route");
const copy = await import("@/app/api/notebooks/[notebookId]/copy/route");
const cells = await import("@/app/api/notebooks/[notebookId]/cells/route");
const cell = await import("@/app/api/notebooks/[notebookId]/cells/[cellId]/route");
const run = await import("@/app/api/notebooks/[notebookId]/cells/[cellId]/run/route");
const revert = await import("@/app/api/notebooks/[notebookId]/cells/[cellId]/revert/route");
const move = await import("@/app/api/notebooks/[notebookId]/cells/[cellId]/move/route");
const labels = await import("@/app/api/clients/labels/route");
const clientMetadata = await import("@/app/api/clients/[clientId]/metadata/route");
const clientFlows = await import("@/app/api/clients/[clientId]/flows/route");
const serverMetadata = await import("@/app/api/server/metadata/route");
const favorites = await import("@/app/api/favorites/route");

const send = (method: string, path: string, body?: unknown) =>
  new Request(`http://localhost${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
const params = <T>(p: T) => ({ params: Promise.resolve(p) });
/** The status and JSON body of a route's answer (the body loosely typed: each test reads its own fields). */
const answer = async (r: Response) => ({ status: r.status, body: (await r.json()) as Record<string, any> });

for (const target of testDatabaseTargets()) {
  describe(`request bodies the UI sends (${target.name})`, () => {
    let engine: Engine;
    const clientId = "C.0123456789abcdef";
    beforeAll(async () => {
      const database = await target.open();
      await queries.createClient(database.db, { clientId, publicKey: "k", agentName: "test", agentVersion: "1", ip: "127.0.0.1", at: new Date() });
      engine = await createEngine({ database, log: createLogger({ quiet: true }), adminPassword: "route-admin-password" });
      await engine.accounts.ensureFirstAdmin();
      (globalThis as { __talonEngine?: Engine }).__talonEngine = engine;
    });
    afterAll(async () => {
      delete (globalThis as { __talonEngine?: Engine }).__talonEngine;
      await engine?.close();
    });

    it("users and API keys: the admin forms' bodies are accepted, a wrong shape is a 400 naming the field", async () => {
      const created = await answer(await users.POST(send("POST", "/api/users", { username: "route-bob", password: "route-bob-password", role: "analyst" })));
      expect(created.status).toBe(201);
      expect(created.body.user).toMatchObject({ username: "route-bob", role: "analyst", disabled: false });
      const at = params({ username: "route-bob" });
      expect((await user.PATCH(send("PATCH", "/api/users/route-bob", { role: "reader" }), at)).status).toBe(200);
      expect((await user.PATCH(send("PATCH", "/api/users/route-bob", { password: "another-long-password" }), at)).status).toBe(200);
      expect((await user.PATCH(send("PATCH", "/api/users/route-bob", { disabled: true }), at)).status).toBe(200);
      expect((await engine.accounts.listUsers(principal("admin", "administrator"))).find((u) => u.username === "route-bob")).toMatchObject({ role: "reader", disabled: true });

      const unknown = await answer(await user.PATCH(send("PATCH", "/api/users/route-bob", { role: "analyst", shell: "/bin/sh" }), at));
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toBe("bad_request");
      const badType = await answer(await user.PATCH(send("PATCH", "/api/users/route-bob", { role: "analyst", disabled: "no" }), at));
      expect(badType.status).toBe(400);
      expect(badType.body.message).toMatch(/^disabled: /);
      // Nothing was applied from a refused body: the role is still reader.
      expect((await engine.accounts.listUsers(principal("admin", "administrator"))).find((u) => u.username === "route-bob")?.role).toBe("reader");
      // The service's own rules still answer with their own words.
      expect((await answer(await users.POST(send("POST", "/api/users", { username: "route-short", password: "short", role: "analyst" })))).body.message).toMatch(/at least 12 characters/);

      const key = await answer(await apiKeys.POST(send("POST", "/api/api-keys", { username: "route-bob", name: "" })));
      expect(key.status).toBe(201);
      expect(key.body.key).toMatch(/^tk_/);
      expect((await apiKeys.POST(send("POST", "/api/api-keys", { name: "no user" }))).status).toBe(400);
    });

    it("notebooks and cells: create, list, add, save, run markdown, undo, move and copy with the UI's bodies", async () => {
      const made = await answer(await notebooks.POST(send("POST", "/api/notebooks", { name: "Route bodies", template: "", parameters: {} })));
      expect(made.status).toBe(201);
      const id = made.body.notebook.id as string;
      const list = await answer(await notebooks.GET(send("GET", "/api/notebooks?scope=all&sort=modified&search=")));
      expect(list.status).toBe(200);
      expect(list.body.notebooks.map((n: { id: string }) => n.id)).toContain(id);
      expect((await notebooks.GET(send("GET", "/api/notebooks?scope=everyone"))).status).toBe(400);

      const added = await answer(await cells.POST(send("POST", `/api/notebooks/${id}/cells`, { type: "markdown", position: 1 }), params({ notebookId: id })));
      expect(added.status).toBe(201);
      const cellId = added.body.cell.id as string;
      const at = params({ notebookId: id, cellId });
      expect((await cell.PUT(send("PUT", "/", { input: "# One", type: "markdown" }), at)).status).toBe(200);
      const ran = await answer(await run.POST(send("POST", "/", { input: "# Two", type: "markdown" }), at));
      expect(ran.status).toBe(202);
      expect(ran.body.cell.input).toBe("# Two");
      const undone = await answer(await revert.POST(send("POST", "/", { step: -1, draft: "# Two" }), at));
      expect(undone.status).toBe(200);
      expect(undone.body.cell.input).toBe("# One");
      expect((await revert.POST(send("POST", "/", { step: 0 }), at)).status).toBe(400);
      const moved = await answer(await move.POST(send("POST", "/", { position: 0 }), at));
      expect(moved.status).toBe(200);
      expect(moved.body.order[0]).toBe(cellId);
      expect((await cell.PUT(send("PUT", "/", { type: "vql" }), at)).status).toBe(400);

      const copied = await answer(await copy.POST(send("POST", `/api/notebooks/${id}/copy`, {}), params({ notebookId: id })));
      expect(copied.status).toBe(201);
      expect(copied.body.notebook.name).toBe("Copy of Route bodies");
      const bare = await answer(await copy.POST(send("POST", `/api/notebooks/${id}/copy`), params({ notebookId: id })));
      expect(bare.status).toBe(201);
    });

    it("a client's labels, metadata and collections: the UI's bodies are accepted", async () => {
      expect((await labels.POST(send("POST", "/api/clients/labels", { clientIds: [clientId], labels: ["web"], op: "set" }))).status).toBe(200);
      expect((await labels.POST(send("POST", "/api/clients/labels", { clientIds: [clientId], labels: ["web"], op: "add" }))).status).toBe(400);
      const at = params({ clientId });
      const meta = await answer(await clientMetadata.PUT(send("PUT", `/api/clients/${clientId}/metadata`, { set: { Owner: "ops" }, remove: [] }), at));
      expect(meta.status).toBe(200);
      expect(meta.body.metadata).toMatchObject({ Owner: "ops" });
      const started = await answer(await clientFlows.POST(send("POST", `/api/clients/${clientId}/flows`, { artifacts: ["Generic.Client.Info"], parameters: { "Generic.Client.Info": {} }, timeoutSec: 60 }), at));
      expect(started.status).toBe(201);
      const listed = await answer(await clientFlows.GET(send("GET", `/api/clients/${clientId}/flows?offset=0&limit=20`), at));
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((f: { flowId: string }) => f.flowId)).toContain(started.body.flow.flowId);
      expect((await clientFlows.POST(send("POST", `/api/clients/${clientId}/flows`, { artifacts: [], parameters: {} }), at)).status).toBe(400);
    });

    it("favorites: the Collect dialog's save, list and delete; a wrong shape is a 400 naming the field", async () => {
      const spec = [{ artifact: "Generic.Client.Info" }, { artifact: "Linux.Sys.Users", parameters: { env: [{ key: "UserFile", value: "/etc/passwd" }] } }];
      const saved = await answer(await favorites.POST(send("POST", "/api/favorites", { name: "route-fav", type: "CLIENT", spec })));
      expect(saved.status).toBe(201);
      const listed = await answer(await favorites.GET(send("GET", "/api/favorites?type=CLIENT")));
      expect(listed.body.favorites).toEqual([expect.objectContaining({ name: "route-fav", description: "", type: "CLIENT", spec })]);
      const bad = await answer(await favorites.POST(send("POST", "/api/favorites", { name: "x", type: "CLIENT", spec: [{ parameters: {} }] })));
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/^spec\.0\.artifact: /);
      expect((await favorites.DELETE(send("DELETE", "/api/favorites?type=CLIENT&name=route-fav"))).status).toBe(200);
      expect((await favorites.DELETE(send("DELETE", "/api/favorites?type=CLIENT&name=route-fav"))).status).toBe(404);
      expect((await answer(await favorites.GET(send("GET", "/api/favorites")))).body.favorites).toEqual([]);
    });

    it("server metadata: the body is accepted; values are never echoed in a refusal", async () => {
      const put = await answer(await serverMetadata.PUT(send("PUT", "/api/server/metadata", { set: { RouteKey: "v1" }, remove: [] })));
      expect(put.status).toBe(200);
      expect(put.body.metadata.RouteKey).toBe("v1");
      const refused = await answer(await serverMetadata.PUT(send("PUT", "/api/server/metadata", { set: { RouteKey: { secret: "do-not-echo-me" } } })));
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain("RouteKey");
      expect(refused.body.message).not.toContain("do-not-echo-me");
    });
  });
}
