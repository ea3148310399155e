// Lint by test for the alert server builtins (alerts(), alert_update(), forward_alerts()):
// documented, server platform, permissions declared, and a reviewed golden descriptor list.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { alertBuiltins } from "./alerts";
import { forwardAlertsPlugin } from "./forward-alerts";

const GOLDEN = join(__dirname, "__golden__", "alerts-descriptors.golden.json");

describe("alert server builtin descriptors", () => {
  const descriptors = describeBuiltins([...alertBuiltins, forwardAlertsPlugin]);

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

  it("match __golden__/alerts-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const text = JSON.stringify(descriptors, null, 1) + "\n";
    if (process.env.UPDATE_GOLDEN || !existsSync(GOLDEN)) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, "utf8"));
  });
});
