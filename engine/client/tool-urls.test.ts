// A collection's Tool_<name>_URL(s) completed with the origins of the agent's servers; other
// variables and absolute URLs untouched.
import { describe, expect, it } from "vitest";
import type { CollectMessage } from "@/engine/protocol";
import { withServerToolUrls } from "./tool-urls";

const path = `/api/tools/download/${"b".repeat(64)}`;
const message = (env: Record<string, unknown>): CollectMessage =>
  ({ type: "collect", flowId: "F.1", artifacts: [{ name: "A", env, sources: [] }], timeoutMs: 1, maxRows: 1, maxUploadBytes: 0, permissions: [], creator: "x" }) as unknown as CollectMessage;

describe("withServerToolUrls", () => {
  it("puts a served tool's path on the first server (URL) and on every server in order (URLs)", () => {
    const m = withServerToolUrls(message({ Tool_X_URL: path, Tool_X_URLs: JSON.stringify([path]), Tool_X_HASH: "h", Other: path }), ["ws://a.example:3000", "https://b.example"]);
    expect(m.artifacts[0]!.env).toEqual({
      Tool_X_URL: `http://a.example:3000${path}`,
      Tool_X_URLs: JSON.stringify([`http://a.example:3000${path}`, `https://b.example${path}`]),
      Tool_X_HASH: "h",
      Other: path,
    });
  });

  it("leaves absolute URLs and messages without tools as they are", () => {
    const env = { Tool_Y_URL: "https://tools.example/y", Tool_Y_URLs: '["https://tools.example/y"]' };
    expect(withServerToolUrls(message(env), ["http://a"]).artifacts[0]!.env).toEqual(env);
    const plain = message({ Count: 1 });
    expect(withServerToolUrls(plain, ["http://a"])).toBe(plain);
  });
});
