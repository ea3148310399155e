// GET and POST /api/user-messages (the header's Messages bell) against a real engine on each test
// database: the signed-in user's messages newest first with the unread count, POST {read: true}
// marks them read, any other body is a 400; a message sent to another user is not listed.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { Engine } from "@/engine/server/contracts";
import { createLogger } from "@/engine/server/log";
import { createEngine } from "@/engine/server/wiring";
import { principal } from "../server/services/notebooks/testing";

const admin = principal("admin", "administrator");
vi.mock("server-only", () => ({}));
vi.mock("@/app/_server/auth", () => ({ currentPrincipal: async () => principal("admin", "administrator") }));

const route = await import("@/app/api/user-messages/route");
const send = (method: string, path: string, body?: unknown) =>
  new Request(`http://localhost${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

for (const target of testDatabaseTargets()) {
  describe(`/api/user-messages (${target.name})`, () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = await createEngine({ database: await target.open(), log: createLogger({ quiet: true }), adminPassword: "route-admin-password" });
      await engine.accounts.ensureFirstAdmin();
      await engine.accounts.createUser(admin, { username: "bea", password: "bea-long-password-1", role: "reader" });
      (globalThis as { __talonEngine?: Engine }).__talonEngine = engine;
    });
    afterAll(async () => {
      delete (globalThis as { __talonEngine?: Engine }).__talonEngine;
      await engine?.close();
    });

    it("lists the user's messages with the unread count and marks them read", async () => {
      await engine.userMessages.send(admin, "admin", '{"Title":"first"}');
      await engine.userMessages.send(admin, "admin", '{"Title":"second"}');
      await engine.userMessages.send(admin, "bea", '{"Title":"not yours"}');
      const got = await route.GET(send("GET", "/api/user-messages?limit=10"));
      expect(got.status).toBe(200);
      const body = (await got.json()) as { messages: Array<{ message: string; from: string; read: boolean }>; unread: number };
      expect(body.unread).toBe(2);
      expect(body.messages.map((m) => [m.message, m.from, m.read])).toEqual([
        ['{"Title":"second"}', "admin", false],
        ['{"Title":"first"}', "admin", false],
      ]);
      expect((await route.POST(send("POST", "/api/user-messages", { read: "yes" }))).status).toBe(400);
      expect((await route.POST(send("POST", "/api/user-messages", { read: true }))).status).toBe(200);
      const after = (await (await route.GET(send("GET", "/api/user-messages"))).json()) as { unread: number };
      expect(after.unread).toBe(0);
      expect((await route.GET(send("GET", "/api/user-messages?limit=0"))).status).toBe(400);
    });
  });
}
