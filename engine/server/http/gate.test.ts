import { describe, expect, it } from "vitest";
import { authenticate, csrfProblem, isPublicPath, originProblem, readCookie } from "./gate";

const req = (method: string, headers: Record<string, string>) => ({ method, headers: { host: "localhost:3000", ...headers } });

describe("gate", () => {
  it("isPublicPath() opens only sign-in, static assets, health and tool downloads", () => {
    expect(isPublicPath("/login")).toBe(true);
    expect(isPublicPath("/_next/static/chunks/a.js")).toBe(true);
    expect(isPublicPath("/api/health")).toBe(true);
    expect(isPublicPath("/api/auth/login")).toBe(true);
    expect(isPublicPath("/users")).toBe(false);
    expect(isPublicPath("/api/users")).toBe(false);
    expect(isPublicPath("/loginx")).toBe(false);
    expect(isPublicPath(`/api/tools/download/${"a".repeat(64)}`)).toBe(true);
    expect(isPublicPath("/api/tools/download/short")).toBe(false);
    expect(isPublicPath(`/api/tools/download/${"a".repeat(64)}/x`)).toBe(false);
    expect(isPublicPath("/api/tools")).toBe(false);
  });

  it("csrfProblem() lets safe methods and same-origin posts through and refuses the rest", () => {
    expect(csrfProblem(req("GET", {}))).toBeUndefined();
    expect(csrfProblem(req("POST", { origin: "http://localhost:3000" }))).toBeUndefined();
    expect(csrfProblem(req("POST", { "sec-fetch-site": "same-origin" }))).toBeUndefined();
    expect(csrfProblem(req("POST", {}))).toMatch(/no Origin/);
    expect(csrfProblem(req("DELETE", { origin: "http://evil.example" }))).toMatch(/evil\.example/);
    expect(csrfProblem(req("POST", { origin: "null" }))).toMatch(/no Origin/);
    expect(csrfProblem(req("POST", { authorization: "Bearer tk_x" }))).toBeUndefined();
    expect(csrfProblem(req("POST", { origin: "https://talon.corp" }), ["https://talon.corp"])).toBeUndefined();
  });

  it("originProblem() refuses a WebSocket from another site", () => {
    expect(originProblem(req("GET", { origin: "http://localhost:3000" }))).toBeUndefined();
    expect(originProblem(req("GET", { origin: "http://localhost:3001" }))).toMatch(/refused/);
  });

  it("readCookie() finds one cookie among several", () => {
    expect(readCookie("a=1; talon_session=abc%3D; b=2", "talon_session")).toBe("abc=");
    expect(readCookie("a=1", "talon_session")).toBeUndefined();
    expect(readCookie(undefined, "x")).toBeUndefined();
  });

  it("authenticate() prefers the API key over the cookie", async () => {
    const calls: string[] = [];
    const accounts = {
      resolveSession: async (t: string) => (calls.push(`s:${t}`), undefined),
      resolveApiKey: async (t: string) => (calls.push(`k:${t}`), undefined),
    };
    await authenticate({ headers: { authorization: "Bearer K1", cookie: "talon_session=S1" } }, accounts);
    await authenticate({ headers: { cookie: "talon_session=S2" } }, accounts);
    await authenticate({ headers: {} }, accounts);
    expect(calls).toEqual(["k:K1", "s:S2"]);
  });
});
