// Lint by test for the installer builtins: documented, server platform, Velociraptor's
// permissions (repack COLLECT_SERVER + FILESYSTEM_WRITE; deb_create and rpm_create also
// SERVER_ADMIN), its arguments (the reference's, plus service_user and service_group that
// Velociraptor's documentation lists), side effects, and a reviewed golden.
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { packageBuiltins } from "./packages";
import { descriptorProblems, goldenDescriptors } from "./testdata/descriptor-lint";

describe("installer builtin descriptors", () => {
  const descriptors = describeBuiltins(packageBuiltins);

  it("document every builtin and argument, run on the server, and declare Velociraptor's permissions", () => {
    expect(descriptorProblems(descriptors)).toEqual([]);
    expect(Object.fromEntries(descriptors.map((d) => [d.name, [d.kind, d.permissions]]))).toEqual({
      repack: ["function", ["COLLECT_SERVER", "FILESYSTEM_WRITE"]],
      deb_create: ["plugin", ["COLLECT_SERVER", "FILESYSTEM_WRITE", "SERVER_ADMIN"]],
      rpm_create: ["plugin", ["COLLECT_SERVER", "FILESYSTEM_WRITE", "SERVER_ADMIN"]],
    });
  });

  it("take Velociraptor's arguments", () => {
    const pkg = ["target", "version", "release", "server", "exe", "accessor", "config", "service_user", "service_group", "show_spec", "directory_name", "extra_args", "package_spec"];
    expect(Object.fromEntries(descriptors.map((d) => [d.name, d.args.map((a) => a.name)]))).toEqual({
      repack: ["target", "version", "exe", "accessor", "binaries", "config", "upload_name", "dest_filename"],
      deb_create: pkg,
      rpm_create: pkg,
    });
    expect(descriptors.find((d) => d.name === "repack")!.args.find((a) => a.name === "config")!.required).toBe(true);
  });

  it("declare side effects (they write packages)", () => {
    expect(packageBuiltins.every((b) => b.sideEffects === true)).toBe(true);
  });

  it("match __golden__/packages-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const { stored, now } = goldenDescriptors(packageBuiltins, "packages-descriptors.golden.json");
    expect(now).toBe(stored);
  });
});
