// Lint by test for the endpoint server builtins (clients, labels, server metadata, flows,
// import_collection()):
// documented, server platform, permissions declared, and a reviewed golden descriptor list.
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { clientBuiltins } from "./clients";
import { flowBuiltins } from "./flows";
import { importCollectionBuiltins } from "./import-collection";
import { serverMetadataBuiltins } from "./server-metadata";
import { descriptorProblems, goldenDescriptors } from "./testdata/descriptor-lint";

const builtins = [...clientBuiltins, ...flowBuiltins, ...serverMetadataBuiltins, ...importCollectionBuiltins];

describe("endpoint server builtin descriptors", () => {
  const descriptors = describeBuiltins(builtins);

  it("document every builtin and argument, run on the server, and declare permissions", () => {
    expect(descriptorProblems(descriptors)).toEqual([]);
  });

  it("match __golden__/endpoints-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const { stored, now } = goldenDescriptors(builtins, "endpoints-descriptors.golden.json");
    expect(now).toBe(stored);
  });
});
