// POST /api/auth/login as the front door hands it on: the client address stamped from the socket
// (X-Forwarded-For believed only from a trusted proxy), and `next` kept on this site. Runs the
// route handler against a real engine on each test database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { Engine } from "@/engine/server/contracts";
import { createLogger } from "@/engine/server/log";
import { NO_TRUSTED_PROXIES, parseTrustedProxies, stampClientAddress, type TrustedProxies } from "@/engine/server/net/client-address";
import { createEngine } from "@/engine/server/wiring";

vi.mock("server-only", () => ({}));

const { POST } = await import("@/app/api/auth/login/route");

/** A request as it leaves the front door: headers stamped from the socket's peer. */
function login(body: Record<string, string>, o: { peer: string; xff?: string; json?: boolean; proxies?: TrustedProxies }): Promise<Response> {
  const headers: Record<string, string | undefined> = { "x-forwarded-for": o.xff, "x-talon-client-address": '{"address":"6.6.6.6","peer":"6.6.6.6"}' };
  stampClientAddress({ socket: { remoteAddress: o.peer }, headers }, o.proxies ?? NO_TRUSTED_PROXIES);
  const h = new Headers();
  for (const [k, v] of Object.entries(headers)) if (typeof v === "string") h.set(k, v);
  if (o.json) {
    h.set("content-type", "application/json");
    return POST(new Request("http://localhost/api/auth/login", { method: "POST", headers: h, body: JSON.stringify(body) }));
  }
  return POST(new Request("http://localhost/api/auth/login", { method: "POST", headers: h, body: new URLSearchParams(body) }));
}

for (const target of testDatabaseTargets()) {
  describe(`POST /api/auth/login (${target.name})`, () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = await createEngine({ database: await target.open(), log: createLogger({ quiet: true }), adminPassword: "route-admin-password" });
      await engine.accounts.ensureFirstAdmin();
      (globalThis as { __talonEngine?: Engine }).__talonEngine = engine;
    });
    afterAll(async () => {
      delete (globalThis as { __talonEngine?: Engine }).__talonEngine;
      await engine?.close();
    });

    it("rotating X-Forwarded-For from a direct client does not escape throttling (seen: 60 guesses got through)", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) {
        const r = await login({ username: "admin", password: `guess-${i}` }, { peer: "127.0.0.1", xff: `198.51.100.${i}`, json: true });
        statuses.push(r.status);
      }
      // 3 free guesses, then doubling delays: a few more are checked only as seconds pass.
      expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 429]);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(6);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      const refused = await login({ username: "admin", password: "route-admin-password" }, { peer: "127.0.0.1", xff: "203.0.113.1", json: true });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // The owner on another machine is not locked out (seen: every direct client was, all keyed `local`).
      const owner = await login({ username: "admin", password: "route-admin-password" }, { peer: "127.0.0.2", json: true });
      expect(owner.status).toBe(200);
      // The audit log has the real address, never the attacker's choice.
      const failed = await engine.audit.list({ limit: 500, operation: "LoginFailed" });
      expect(new Set(failed.map((e) => e.details.ip))).toEqual(new Set(["127.0.0.1"]));
      expect(failed.some((e) => "forwardedFor" in e.details)).toBe(false);
    });

    it("behind a trusted proxy each forwarded client has its own budget and the audit log says who forwarded", async () => {
      const proxies = parseTrustedProxies("10.0.0.0/8").proxies;
      for (let i = 0; i < 3; i++) expect((await login({ username: "admin", password: "nope-nope-nope" }, { peer: "10.0.0.2", xff: "203.0.113.50", json: true, proxies })).status).toBe(401);
      expect((await login({ username: "admin", password: "nope-nope-nope" }, { peer: "10.0.0.2", xff: "203.0.113.50", json: true, proxies })).status).toBe(429);
      expect((await login({ username: "admin", password: "route-admin-password" }, { peer: "10.0.0.2", xff: "203.0.113.51", json: true, proxies })).status).toBe(200);
      const entry = (await engine.audit.list({ limit: 500, operation: "LoginFailed" })).find((e) => e.details.ip === "203.0.113.50");
      expect(entry?.details).toMatchObject({ ip: "203.0.113.50", peer: "10.0.0.2", forwardedFor: "203.0.113.50" });
    });

    it("`next` goes only to a path on this site (seen: /%09/attacker.invalid/x left it; /\\n/x gave a 500)", async () => {
      for (const [next, expected] of [
        ["/notebooks", "/notebooks"],
        ["/%09/attacker.invalid/x", "/"],
        ["/\t/attacker.invalid/x", "/"],
        ["/\n/x", "/"],
        ["//attacker.invalid", "/"],
        ["/\\attacker.invalid", "/"],
      ]) {
        const r = await login({ username: "admin", password: "route-admin-password", next: next! }, { peer: "127.0.0.9" });
        expect(r.status, JSON.stringify(next)).toBe(303);
        expect(r.headers.get("location"), JSON.stringify(next)).toBe(expected);
        expect(r.headers.get("set-cookie")).toMatch(/^talon_session=/);
      }
    });
  });
}
