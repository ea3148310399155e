// Lint by test for the hunt server builtins: documented, server platform, permissions declared,
// side effects where they change the world, Velociraptor's argument names, and a reviewed
// golden descriptor list.
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { huntBuiltins } from "./hunts";
import { descriptorProblems, goldenDescriptors } from "./testdata/descriptor-lint";

describe("hunt server builtin descriptors", () => {
  it("document every builtin and argument, run on the server, and declare permissions", () => {
    expect(descriptorProblems(describeBuiltins(huntBuiltins))).toEqual([]);
    expect(Object.fromEntries(huntBuiltins.map((b) => [b.name, [b.permissions, b.sideEffects === true]]))).toEqual({
      hunt: [["COLLECT_CLIENT"], true],
      hunts: [["READ_RESULTS"], false],
      hunt_info: [["READ_RESULTS"], false],
      hunt_results: [["READ_RESULTS"], false],
      hunt_flows: [["READ_RESULTS"], false],
      hunt_add: [["START_HUNT"], true],
      hunt_update: [["COLLECT_CLIENT"], true],
      hunt_delete: [["DELETE_RESULTS"], true],
    });
  });

  it("keep Velociraptor's argument names", () => {
    const args = Object.fromEntries(describeBuiltins(huntBuiltins).map((d) => [d.name, d.args.map((a) => a.name)]));
    expect(args.hunt).toEqual(expect.arrayContaining(["artifacts", "spec", "description", "tags", "expires", "include_labels", "exclude_labels", "os", "pause", "timeout", "max_rows", "max_bytes", "client_rate", "client_limit", "server_condition", "client_condition"]));
    expect(args.hunt_results).toEqual(["hunt_id", "artifact", "source", "brief"]);
    expect(args.hunt_flows).toEqual(["hunt_id", "start_row", "limit", "basic_info"]);
    expect(args.hunt_add).toEqual(["client_id", "hunt_id", "relaunch"]);
    // Velociraptor's, then Talon's own (docs/vql-differences.md).
    expect(args.hunt_update).toEqual(["hunt_id", "stop", "start", "description", "expires", "add_labels", "del_labels", "rerun_errors"]);
    expect(args.hunt.slice(-3)).toEqual(["max_error_percent", "max_total_rows", "max_total_upload_bytes"]);
    expect(args.hunt_delete).toEqual(["hunt_id", "really_do_it", "workers"]);
  });

  it("match __golden__/hunts-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const { stored, now } = goldenDescriptors(huntBuiltins, "hunts-descriptors.golden.json");
    expect(now).toBe(stored);
  });
});
