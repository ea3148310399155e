// Lint by test for the pool's builtins: every builtin and argument documented, client platform,
// permissions declared, and the descriptor list kept as a reviewed golden file.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "@/engine/vql";
import { poolBuiltins } from ".";

const GOLDEN = join(__dirname, "__golden__", "pool-descriptors.golden.json");

describe("pool builtin descriptors", () => {
  const descriptors = describeBuiltins(poolBuiltins);

  it("document every builtin and argument, and run on the client only", () => {
    const problems: string[] = [];
    for (const d of descriptors) {
      if (!d.doc.trim()) problems.push(`${d.name}: no doc`);
      for (const a of d.args) if (!a.doc.trim()) problems.push(`${d.name}(${a.name}): no doc`);
      if (d.platforms.join() !== "client") problems.push(`${d.name}: platforms ${d.platforms.join()}`);
      if (!d.permissions.length) problems.push(`${d.name}: no permissions declared`);
    }
    expect(problems).toEqual([]);
  });

  it("match __golden__/pool-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const text = JSON.stringify(descriptors, null, 1) + "\n";
    if (process.env.UPDATE_GOLDEN || !existsSync(GOLDEN)) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, "utf8"));
  });
});
