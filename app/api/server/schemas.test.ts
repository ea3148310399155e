// PUT /api/server/metadata's zod schema: values as text, null for "remove this key".
import { describe, expect, it } from "vitest";
import { ServerMetadataChange } from "./schemas";

describe("server metadata change body", () => {
  it("sets values as text, null removes; both parts default to none", () => {
    expect(ServerMetadataChange.parse({})).toEqual({ set: [], remove: [] });
    expect(ServerMetadataChange.parse({ set: { SlackToken: "xoxb", Port: 8080, Verbose: false, Old: null }, remove: ["Gone"] })).toEqual({
      set: [["SlackToken", "xoxb"], ["Port", "8080"], ["Verbose", "false"], ["Old", null]],
      remove: ["Gone"],
    });
  });

  it("refuses lists, nested values and non-text keys to remove, naming the key and not the value", () => {
    expect(ServerMetadataChange.safeParse({ set: ["a"] }).success).toBe(false);
    expect(ServerMetadataChange.safeParse({ remove: "Gone" }).success).toBe(false);
    expect(ServerMetadataChange.safeParse({ remove: [1] }).success).toBe(false);
    const r = ServerMetadataChange.safeParse({ set: { ApiKey: { secret: "hunter2-do-not-echo" } } });
    expect(r.success).toBe(false);
    const said = JSON.stringify(r.error?.issues);
    expect(said).toContain("ApiKey");
    expect(said).not.toContain("hunter2-do-not-echo");
  });
});
