// Lint by test for http_client() and the secret builtins: documented, server platform,
// permissions declared, side effects declared where they change the world (outbound requests,
// secrets), and a reviewed golden descriptor list.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { httpClientBuiltins } from "./http-client";
import { secretBuiltins } from "./secrets";

const GOLDEN = join(__dirname, "__golden__", "network-descriptors.golden.json");
const builtins = [...httpClientBuiltins, ...secretBuiltins];

describe("network and secret server builtin descriptors", () => {
  const descriptors = describeBuiltins(builtins);

  it("document every builtin and argument, run on the server, and declare permissions", () => {
    const problems: string[] = [];
    for (const d of descriptors) {
      if (!d.doc.trim()) problems.push(`${d.name}: no doc`);
      for (const a of d.args) if (!a.doc.trim()) problems.push(`${d.name}(${a.name}): no doc`);
      if (d.platforms.join() !== "server") problems.push(`${d.name}: platforms ${d.platforms.join()}`);
      if (!d.permissions.length) problems.push(`${d.name}: no permissions declared`);
    }
    expect(problems).toEqual([]);
    expect(Object.fromEntries(descriptors.map((d) => [d.name, d.permissions]))).toEqual({ http_client: ["NETWORK"], secret_add: ["SERVER_ADMIN"], secret_modify: ["SERVER_ADMIN"], secrets: ["SERVER_ADMIN"] });
  });

  it("declare side effects for everything but the listing", () => {
    expect(Object.fromEntries(builtins.map((b) => [b.name, b.sideEffects === true]))).toEqual({ http_client: true, secret_add: true, secret_modify: true, secrets: false });
  });

  it("match __golden__/network-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const text = JSON.stringify(descriptors, null, 1) + "\n";
    if (process.env.UPDATE_GOLDEN || !existsSync(GOLDEN)) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, "utf8"));
  });
});
