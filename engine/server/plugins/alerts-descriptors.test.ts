// Lint by test for the alert server builtins (alerts(), alert_update(), forward_alerts()):
// documented, server platform, permissions declared, side effects where they change the world,
// and a reviewed golden descriptor list.
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { alertBuiltins } from "./alerts";
import { forwardAlertsPlugin } from "./forward-alerts";
import { descriptorProblems, goldenDescriptors } from "./testdata/descriptor-lint";

const builtins = [...alertBuiltins, forwardAlertsPlugin];

describe("alert server builtin descriptors", () => {
  it("document every builtin and argument, run on the server, and declare permissions", () => {
    expect(descriptorProblems(describeBuiltins(builtins))).toEqual([]);
    expect(Object.fromEntries(builtins.map((b) => [b.name, [b.permissions, b.sideEffects === true]]))).toEqual({
      alerts: [["READ_RESULTS"], false],
      alert_update: [["ALERT_TRIAGE"], true],
      forward_alerts: [["NETWORK"], true],
    });
  });

  it("match __golden__/alerts-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const { stored, now } = goldenDescriptors(builtins, "alerts-descriptors.golden.json");
    expect(now).toBe(stored);
  });
});
