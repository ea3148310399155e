// A query that calls a builtin existing only where it does not run (an agent plugin in a
// notebook) is told where it runs, instead of getting a "did you mean" for a near server name.
import { describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins } from "../builtins/registry";
import { collect } from "./testing";

const registry = createRegistry(portableBuiltins, {
  elsewhere: { where: "endpoints", howToRun: "run it with collect_client() or in a CLIENT artifact", plugins: new Set(["info", "pslist", "range"]), functions: new Set(["read_file"]) },
});

describe("builtins that run elsewhere", () => {
  it("a plugin of the agent run here logs where it runs, not `Did you mean if?`", async () => {
    const r = await collect("SELECT * FROM info()", { registry });
    expect(r.rows).toEqual([]);
    expect(r.logs).toEqual(["ERROR 1:15 VQL3007 Plugin info not found. `info` is available on endpoints: run it with collect_client() or in a CLIENT artifact"]);
  });

  it("a typo of an agent plugin names it, with where it runs", async () => {
    const r = await collect("SELECT * FROM pslis()", { registry });
    expect(r.logs).toEqual(["ERROR 1:15 VQL3007 Plugin pslis not found. Did you mean pslist? (`pslist` is available on endpoints: run it with collect_client() or in a CLIENT artifact)"]);
  });

  it("a function of the agent run here says so before the scope listing", async () => {
    const r = await collect("SELECT read_file(filename='/x') AS A FROM scope()", { registry });
    expect(r.logs[0]).toMatch(/^ERROR 1:8 VQL3005 `read_file` is available on endpoints: run it with collect_client\(\) or in a CLIENT artifact\. Symbol read_file not found\./);
  });

  it("a name the registry holds itself is not listed as elsewhere", async () => {
    const r = await collect("SELECT * FROM range(end=1)", { registry });
    expect(r.rows).toEqual(['{"_value":0}']);
    expect(registry.elsewhere?.plugins.has("range")).toBe(false);
  });
});
