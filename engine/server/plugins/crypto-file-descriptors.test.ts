// Lint by test for read_crypto_file(): documented, server platform, Velociraptor's permission
// (FILESYSTEM_READ) and argument names, and a reviewed golden descriptor.
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { readCryptoFilePlugin } from "./crypto-file";
import { descriptorProblems, goldenDescriptors } from "./testdata/descriptor-lint";

const builtins = [readCryptoFilePlugin];

describe("read_crypto_file descriptor", () => {
  const descriptors = describeBuiltins(builtins);

  it("is documented, runs on the server, declares FILESYSTEM_READ and takes Velociraptor's arguments", () => {
    expect(descriptorProblems(descriptors)).toEqual([]);
    expect(descriptors.map((d) => [d.name, d.kind, d.permissions, d.args.map((a) => a.name)])).toEqual([["read_crypto_file", "plugin", ["FILESYSTEM_READ"], ["filename", "accessor"]]]);
  });

  it("matches __golden__/crypto-file-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const { stored, now } = goldenDescriptors(builtins, "crypto-file-descriptors.golden.json");
    expect(now).toBe(stored);
  });
});
