// Lint by test for the inventory builtins: documented, server platform, Velociraptor's
// permissions (inventory_get and inventory_add SERVER_ADMIN; inventory() declares none there,
// READ_RESULTS here, which every role has), side effects where they write, and a reviewed golden.
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { inventoryBuiltins } from "./inventory";
import { descriptorProblems, goldenDescriptors } from "./testdata/descriptor-lint";

describe("inventory builtin descriptors", () => {
  const descriptors = describeBuiltins(inventoryBuiltins);

  it("document every builtin and argument, run on the server, and declare Velociraptor's permissions", () => {
    expect(descriptorProblems(descriptors)).toEqual([]);
    expect(Object.fromEntries(descriptors.map((d) => [d.name, d.permissions]))).toEqual({
      inventory: ["READ_RESULTS"],
      inventory_get: ["SERVER_ADMIN"],
      inventory_add: ["SERVER_ADMIN"],
    });
  });

  it("take Velociraptor's arguments", () => {
    expect(Object.fromEntries(descriptors.map((d) => [d.name, d.args.map((a) => a.name)]))).toEqual({
      inventory: [],
      inventory_get: ["tool", "version", "probe"],
      inventory_add: ["tool", "serve_locally", "url", "hash", "filename", "version", "file", "accessor"],
    });
  });

  it("declare side effects for what writes", () => {
    expect(Object.fromEntries(inventoryBuiltins.map((b) => [b.name, b.sideEffects === true]))).toEqual({ inventory: false, inventory_get: false, inventory_add: true });
  });

  it("match __golden__/tools-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const { stored, now } = goldenDescriptors(inventoryBuiltins, "tools-descriptors.golden.json");
    expect(now).toBe(stored);
  });
});
