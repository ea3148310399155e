// The agent's one exception to the outbound policy: GETs of /api/tools/download/<64 hex> on the
// origins of the servers it dials, recorded by the agent; nothing else.
import { describe, expect, it } from "vitest";
import { allowingHost, httpOriginOf, isServerToolDownload, recordServerOrigins, SERVER_ORIGINS_ENV } from "./server-tools";
import { parseAllowList, refusal } from "./policy";

const T = "a".repeat(64);

describe("server tool downloads", () => {
  it("httpOriginOf() maps ws to http and wss to https, keeping the port", () => {
    expect(httpOriginOf("ws://localhost:3000/api/ws/agent")).toBe("http://localhost:3000");
    expect(httpOriginOf("wss://talon.corp")).toBe("https://talon.corp");
    expect(httpOriginOf("http://127.0.0.1:8000/")).toBe("http://127.0.0.1:8000");
    expect(httpOriginOf("ftp://x")).toBeUndefined();
    expect(httpOriginOf("not a url")).toBeUndefined();
  });

  it("recordServerOrigins() adds each origin once", () => {
    const env: Record<string, string | undefined> = {};
    recordServerOrigins(["http://localhost:3000", "ws://localhost:3000"], env);
    recordServerOrigins(["https://b.example"], env);
    expect(env[SERVER_ORIGINS_ENV]).toBe("http://localhost:3000,https://b.example");
  });

  it("isServerToolDownload() holds only for a GET of a tool path on a recorded origin", () => {
    const env = { [SERVER_ORIGINS_ENV]: "http://localhost:3000" };
    expect(isServerToolDownload(`http://localhost:3000/api/tools/download/${T}`, "GET", env)).toBe(true);
    expect(isServerToolDownload(`http://localhost:3000/api/tools/download/${T}`, "POST", env)).toBe(false);
    expect(isServerToolDownload(`http://localhost:3001/api/tools/download/${T}`, "GET", env)).toBe(false);
    expect(isServerToolDownload(`https://localhost:3000/api/tools/download/${T}`, "GET", env)).toBe(false);
    expect(isServerToolDownload("http://localhost:3000/api/users", "GET", env)).toBe(false);
    expect(isServerToolDownload(`http://localhost:3000/api/tools/download/${T}?x=1`, "GET", env)).toBe(false);
    expect(isServerToolDownload(`http://u:p@localhost:3000/api/tools/download/${T}`, "GET", env)).toBe(false);
    expect(isServerToolDownload(`http://localhost:3000/api/tools/download/${T}/../../users`, "GET", env)).toBe(false);
    expect(isServerToolDownload(`http://localhost:3000/api/tools/download/${T}`, "GET", {})).toBe(false);
  });

  it("allowingHost() lets that host's loopback address through and leaves the rest of the policy as it was", () => {
    const base = parseAllowList("").policy;
    expect(refusal(base, "localhost", "127.0.0.1")).toMatch(/loopback/);
    const p = allowingHost(base, "localhost");
    expect(refusal(p, "localhost", "127.0.0.1")).toBeUndefined();
    expect(refusal(p, "other", "127.0.0.1")).toMatch(/loopback/);
    expect(refusal(p, "localhost", "169.254.169.254")).toMatch(/cloud metadata/);
    expect(base.hosts).toEqual([]);
  });
});
