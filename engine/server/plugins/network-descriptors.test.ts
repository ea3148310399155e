// Lint by test for http_client(), mail(), the upload plugins and the secret builtins: documented, server platform,
// permissions declared, side effects declared where they change the world (outbound requests,
// secrets), and a reviewed golden descriptor list.
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { httpClientBuiltins } from "./http-client";
import { mailBuiltins } from "./mail";
import { secretBuiltins } from "./secrets";
import { uploadBuiltins } from "./uploads";
import { descriptorProblems, goldenDescriptors } from "./testdata/descriptor-lint";

const builtins = [...httpClientBuiltins, ...mailBuiltins, ...uploadBuiltins, ...secretBuiltins];

describe("network and secret server builtin descriptors", () => {
  const descriptors = describeBuiltins(builtins);

  it("document every builtin and argument, run on the server, and declare permissions", () => {
    expect(descriptorProblems(descriptors)).toEqual([]);
    expect(Object.fromEntries(descriptors.map((d) => [d.name, d.permissions]))).toEqual({ http_client: ["NETWORK"], mail: ["NETWORK"], elastic_upload: ["NETWORK"], splunk_upload: ["NETWORK"], logscale_upload: ["COLLECT_SERVER"], adx_upload: ["NETWORK"], upload_s3: ["NETWORK", "FILESYSTEM_READ"], upload_gcs: ["FILESYSTEM_READ", "NETWORK"], secret_add: ["SERVER_ADMIN"], secret_modify: ["SERVER_ADMIN"], secrets: ["SERVER_ADMIN"] });
  });

  it("declare side effects for everything but the listing", () => {
    expect(Object.fromEntries(builtins.map((b) => [b.name, b.sideEffects === true]))).toEqual({ http_client: true, mail: true, elastic_upload: true, splunk_upload: true, logscale_upload: true, adx_upload: true, upload_s3: true, upload_gcs: true, secret_add: true, secret_modify: true, secrets: false });
    expect(mailBuiltins.map((b) => `${b.name} ${b.kind}`)).toEqual(["mail function", "mail plugin"]);
  });

  it("match __golden__/network-descriptors.golden.json (UPDATE_GOLDEN=1 rewrites)", () => {
    const { stored, now } = goldenDescriptors(builtins, "network-descriptors.golden.json");
    expect(now).toBe(stored);
  });
});
