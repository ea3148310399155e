// Lint by test for the developer builtins on the server: documented, server platform,
// Velociraptor's permissions (MACHINE_STATE for the profiles, SERVER_ADMIN for logging()),
// Velociraptor's argument names, and a reviewed golden descriptor list.
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { serverDeveloperBuiltins } from "./developer";
import { descriptorProblems, goldenDescriptors } from "./testdata/descriptor-lint";

describe("developer server builtin descriptors", () => {
  const descriptors = describeBuiltins(serverDeveloperBuiltins);

  it("document every builtin and argument, run on the server, and declare Velociraptor's permissions", () => {
    expect(descriptorProblems(descriptors)).toEqual([]);
    expect(Object.fromEntries(descriptors.map((d) => [`${d.kind}:${d.name}`, d.permissions]))).toEqual({
      // vql/golang/profile.go, goroutines.go, memory.go: MACHINE_STATE.
      "plugin:profile": ["MACHINE_STATE"],
      "plugin:profile_goroutines": ["MACHINE_STATE"],
      "plugin:profile_memory": ["MACHINE_STATE"],
      // vql/golang/trace.go declares none; Talon asks MACHINE_STATE (docs/vql-differences.md).
      "function:trace": ["MACHINE_STATE"],
      // vql/server/logging.go: SERVER_ADMIN.
      "plugin:logging": ["SERVER_ADMIN"],
    });
  });

  it("keep Velociraptor's argument names", () => {
    expect(Object.fromEntries(descriptors.map((d) => [d.name, d.args.map((a) => a.name)]))).toEqual({
      profile: ["allocs", "block", "goroutine", "heap", "mutex", "profile", "trace", "debug", "logs", "queries", "metrics", "duration", "type"],
      profile_goroutines: ["verbose"],
      profile_memory: [],
      trace: [],
      logging: ["component", "prelog"],
    });
  });

  it("match __golden__/developer-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const { stored, now } = goldenDescriptors(serverDeveloperBuiltins, "developer-descriptors.golden.json");
    expect(now).toBe(stored);
  });
});
