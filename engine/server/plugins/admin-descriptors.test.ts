// Lint by test for the users/orgs, deletion and help() server builtins: documented, server
// platform, permissions declared (Velociraptor's where it has them), side effects where they
// change the world, Velociraptor's argument names, and a reviewed golden descriptor list.
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { deletionBuiltins } from "./deletions";
import { helpPlugin } from "./help";
import { userBuiltins } from "./users";
import { descriptorProblems, goldenDescriptors } from "./testdata/descriptor-lint";

const builtins = [...userBuiltins, ...deletionBuiltins, helpPlugin];

describe("users, orgs, deletion and help() builtin descriptors", () => {
  const descriptors = describeBuiltins(builtins);

  it("document every builtin and argument, run on the server, and declare permissions", () => {
    expect(descriptorProblems(descriptors)).toEqual([]);
    expect(Object.fromEntries(builtins.map((b) => [b.name, [b.kind, b.permissions, b.sideEffects === true]]))).toEqual({
      // Velociraptor checks nothing for these four; every Talon role has READ_RESULTS.
      whoami: ["function", ["READ_RESULTS"], false],
      org: ["function", ["READ_RESULTS"], false],
      orgs: ["plugin", ["READ_RESULTS"], false],
      help: ["plugin", ["READ_RESULTS"], false],
      // vql/server/users: SERVER_ADMIN.
      gui_users: ["plugin", ["SERVER_ADMIN"], false],
      user_create: ["function", ["SERVER_ADMIN"], true],
      // vql/server/flows/delete.go, monitoring/delete.go: DELETE_RESULTS; clients/delete.go
      // declares DELETE_RESULTS and checks SERVER_ADMIN.
      delete_flow: ["plugin", ["DELETE_RESULTS"], true],
      client_delete: ["plugin", ["DELETE_RESULTS", "SERVER_ADMIN"], true],
      delete_events: ["plugin", ["DELETE_RESULTS"], true],
    });
  });

  it("keep Velociraptor's argument names", () => {
    const args = Object.fromEntries(descriptors.map((d) => [d.name, d.args.map((a) => a.name)]));
    expect(args).toEqual({
      client_delete: ["client_id", "really_do_it"],
      delete_events: ["artifact", "client_id", "start_time", "end_time", "really_do_it"],
      delete_flow: ["flow_id", "client_id", "really_do_it", "sync"],
      gui_users: ["all_orgs"],
      help: [],
      org: [],
      orgs: [],
      user_create: ["user", "roles", "password", "sub", "orgs"],
      whoami: [],
    });
  });

  it("match __golden__/admin-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const { stored, now } = goldenDescriptors(builtins, "admin-descriptors.golden.json");
    expect(now).toBe(stored);
  });
});
