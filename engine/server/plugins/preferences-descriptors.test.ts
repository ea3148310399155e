// Lint by test for the favorites, file-store and user-options builtins: documented, server
// platform, Velociraptor's permissions (favorites_save/delete and user_options declare none
// there, as they act on the running user's own preferences; here READ_RESULTS, which every role has, as whoami() does), side effects declared where they
// write, and a reviewed golden descriptor list.
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { favoriteBuiltins } from "./favorites";
import { fileStoreBuiltins } from "./file-store";
import { userOptionsBuiltins } from "./user-options";
import { descriptorProblems, goldenDescriptors } from "./testdata/descriptor-lint";

const builtins = [...favoriteBuiltins, ...fileStoreBuiltins, ...userOptionsBuiltins];

describe("favorites, file-store and user-options builtin descriptors", () => {
  const descriptors = describeBuiltins(builtins);

  it("document every builtin and argument, run on the server, and declare Velociraptor's permissions", () => {
    expect(descriptorProblems(descriptors)).toEqual([]);
    expect(Object.fromEntries(descriptors.map((d) => [d.name, d.permissions]))).toEqual({
      favorites_save: ["READ_RESULTS"],
      favorites_delete: ["READ_RESULTS"],
      favorites_list: ["READ_RESULTS"],
      create_flow_download: ["PREPARE_RESULTS"],
      create_hunt_download: ["PREPARE_RESULTS"],
      file_store: ["READ_RESULTS"],
      file_store_delete: ["SERVER_ADMIN"],
      user_options: ["READ_RESULTS"],
    });
  });

  it("declare side effects for what writes", () => {
    expect(Object.fromEntries(builtins.map((b) => [b.name, b.sideEffects === true]))).toEqual({
      favorites_save: true,
      favorites_delete: true,
      favorites_list: false,
      create_flow_download: true,
      create_hunt_download: true,
      file_store: false,
      file_store_delete: true,
      user_options: false,
    });
  });

  it("match __golden__/preferences-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const { stored, now } = goldenDescriptors(builtins, "preferences-descriptors.golden.json");
    expect(now).toBe(stored);
  });
});
