import { describe, expect, it } from "vitest";
import { agentUrl, parseServerList, retryDelay, rotate, serverList } from "./servers";

describe("server lists", () => {
  it("parseServerList() splits on commas, trims, and keeps the order", () => {
    expect(parseServerList("http://a:3000")).toEqual({ ok: true, servers: ["http://a:3000"] });
    expect(parseServerList("http://a:3000, https://b.example ,wss://c/api/ws/agent")).toEqual({ ok: true, servers: ["http://a:3000", "https://b.example", "wss://c/api/ws/agent"] });
  });

  it("parseServerList() names the bad entry in one sentence", () => {
    expect(parseServerList("http://a:3000,b:3000x")).toEqual({ ok: false, message: `"b:3000x" must start with http://, https://, ws:// or wss:// (entry 2 of 2)` });
    expect(parseServerList("http://a:3000,not a url,http://c")).toEqual({ ok: false, message: `"not a url" is not a URL like http://host:3000 (entry 2 of 3)` });
    expect(parseServerList("localhost")).toEqual({ ok: false, message: `"localhost" is not a URL like http://host:3000` });
    expect(parseServerList("http://a,")).toEqual({ ok: false, message: `the server list "http://a," has an empty entry (entry 2 of 2)` });
    expect(parseServerList("ftp://a")).toMatchObject({ ok: false, message: expect.stringContaining(`"ftp://a" must start with http://`) });
  });

  it("serverList() accepts one `server` or a list, never none", () => {
    expect(serverList({ server: "http://a" })).toEqual(["http://a"]);
    expect(serverList({ servers: ["http://a", "http://b"] })).toEqual(["http://a", "http://b"]);
    expect(() => serverList({ servers: [] })).toThrow(/at least one server URL/);
  });

  it("rotate() starts the list at an index, modulo its length", () => {
    expect(rotate(["a", "b", "c"], 0)).toEqual(["a", "b", "c"]);
    expect(rotate(["a", "b", "c"], 1)).toEqual(["b", "c", "a"]);
    expect(rotate(["a", "b", "c"], 5)).toEqual(["c", "a", "b"]);
    expect(rotate([], 3)).toEqual([]);
  });

  it("agentUrl() maps a base URL to the agent endpoint", () => {
    expect(agentUrl("http://a:3000")).toBe("ws://a:3000/api/ws/agent");
    expect(agentUrl("https://a/talon/")).toBe("wss://a/talon/api/ws/agent");
    expect(agentUrl("ws://a/api/ws/agent")).toBe("ws://a/api/ws/agent");
  });

  it("retryDelay() grows once per full cycle of the list; with one server it is the old schedule", () => {
    const o = { baseMs: 100, maxMs: 1000, random: () => 1 };
    expect([0, 1, 2, 3, 4].map((f) => retryDelay(f, 1, o))).toEqual([100, 100, 200, 400, 800]);
    expect([0, 1, 2, 3, 4, 5, 6].map((f) => retryDelay(f, 3, o))).toEqual([100, 100, 100, 100, 200, 200, 200]);
    expect(retryDelay(100, 2, o)).toBe(1000);
  });
});
