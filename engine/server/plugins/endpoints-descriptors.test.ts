// Lint by test for the endpoint server builtins (clients, labels, server metadata, flows):
// documented, server platform, permissions declared, and a reviewed golden descriptor list.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { clientBuiltins } from "./clients";
import { flowBuiltins } from "./flows";
import { serverMetadataBuiltins } from "./server-metadata";

const GOLDEN = join(__dirname, "__golden__", "endpoints-descriptors.golden.json");

describe("endpoint server builtin descriptors", () => {
  const descriptors = describeBuiltins([...clientBuiltins, ...flowBuiltins, ...serverMetadataBuiltins]);

  it("document every builtin and argument, run on the server, and declare permissions", () => {
    const problems: string[] = [];
    for (const d of descriptors) {
      if (!d.doc.trim()) problems.push(`${d.name}: no doc`);
      for (const a of d.args) if (!a.doc.trim()) problems.push(`${d.name}(${a.name}): no doc`);
      if (d.platforms.join() !== "server") problems.push(`${d.name}: platforms ${d.platforms.join()}`);
      if (!d.permissions.length) problems.push(`${d.name}: no permissions declared`);
    }
    expect(problems).toEqual([]);
  });

  it("match __golden__/endpoints-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const text = JSON.stringify(descriptors, null, 1) + "\n";
    if (process.env.UPDATE_GOLDEN || !existsSync(GOLDEN)) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, "utf8"));
  });
});
