// Lint by test for the super-timeline builtins (timeline_add, timeline, timelines,
// timeline_delete), user_message, upload_directory and server_frontend_cert: documented, server
// platform, Velociraptor's permissions (user_message declares none there; here READ_RESULTS,
// which every role has), Velociraptor's argument names, side effects where they write, and a
// reviewed golden descriptor list.
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { serverFrontendCertBuiltins } from "./server-frontend-cert";
import { timelineBuiltins } from "./timelines";
import { uploadDirectoryBuiltins } from "./upload-directory";
import { userMessageBuiltins } from "./user-message";
import { descriptorProblems, goldenDescriptors } from "./testdata/descriptor-lint";

const builtins = [...timelineBuiltins, ...userMessageBuiltins, ...uploadDirectoryBuiltins, ...serverFrontendCertBuiltins];

describe("timeline, user_message, upload_directory and server_frontend_cert descriptors", () => {
  const descriptors = describeBuiltins(builtins);

  it("document every builtin and argument, run on the server, and declare Velociraptor's permissions", () => {
    expect(descriptorProblems(descriptors)).toEqual([]);
    expect(Object.fromEntries(descriptors.map((d) => [`${d.name} ${d.kind}`, d.permissions]))).toEqual({
      "timeline_add function": ["READ_RESULTS"],
      "timeline plugin": ["READ_RESULTS"],
      "timelines plugin": ["READ_RESULTS"],
      "timeline_delete function": ["NOTEBOOK_EDITOR"],
      "user_message function": ["READ_RESULTS"],
      "upload_directory function": ["FILESYSTEM_WRITE"],
      "server_frontend_cert function": ["MACHINE_STATE"],
    });
  });

  it("take Velociraptor's arguments", () => {
    expect(Object.fromEntries(descriptors.map((d) => [d.name, d.args.map((a) => a.name)]))).toEqual({
      timeline_add: ["timeline", "name", "query", "key", "message_column", "ts_desc_column", "notebook_id"],
      timeline: ["timeline", "components", "skip", "start", "notebook_id"],
      timelines: ["notebook_id"],
      timeline_delete: ["timeline", "notebook_id", "name"],
      user_message: ["user", "message"],
      upload_directory: ["file", "name", "accessor", "output", "mtime", "atime", "ctime", "btime"],
      server_frontend_cert: [],
    });
  });

  it("declare side effects for what writes", () => {
    expect(Object.fromEntries(builtins.map((b) => [b.name, b.sideEffects === true]))).toEqual({
      timeline_add: true,
      timeline: false,
      timelines: false,
      timeline_delete: true,
      user_message: true,
      upload_directory: true,
      server_frontend_cert: false,
    });
  });

  it("match __golden__/timelines-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const { stored, now } = goldenDescriptors(builtins, "timelines-descriptors.golden.json");
    expect(now).toBe(stored);
  });
});
