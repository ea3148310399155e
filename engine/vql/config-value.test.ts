// The `config` scope variable: the members the corpus reads (Generic.Client.Info reads
// config.Version.Name/.BuildTime/.Version/.ci_build_url/.install_time and config.Labels,
// Server.Utils.ArtifactVerifier config.version, the Quarantine artifacts config.server_urls)
// resolve by Go name and JSON name as on Velociraptor's protobuf ClientConfig; the value
// serialises under the JSON names and survives the trip to a query worker.
import { describe, expect, it } from "vitest";
import { configValue } from "./config-value";
import { rowsOf } from "./eval/testing";
import { fromWire, toWire } from "./values/transfer";

const config = configValue({ name: "talon", version: "9.8.7", serverUrls: ["wss://a.example:8000/", "wss://b.example:8000/"] });

describe("config", () => {
  it("answers Generic.Client.Info's members by Go name and JSON name", async () => {
    const rows = await rowsOf(
      "SELECT config.Version.Name AS Name, config.Version.Version AS Version, config.version.version AS V2, config.Version.BuildTime AS BuildTime, config.Version.ci_build_url AS build_url, config.Version.install_time AS install_time, config.Labels AS Labels, config.server_urls AS urls, config.ServerUrls[1] AS second FROM scope()",
      { env: { config } },
    );
    expect(JSON.parse(rows[0]!)).toEqual({ Name: "talon", Version: "9.8.7", V2: "9.8.7", BuildTime: "", build_url: "", install_time: 0, Labels: [], urls: ["wss://a.example:8000/", "wss://b.example:8000/"], second: "wss://b.example:8000/" });
  });

  it("a member it does not have is NULL, not a near name", async () => {
    const rows = await rowsOf("SELECT config.Version.Nam AS a, config.nonce AS b FROM scope()", { env: { config } });
    expect(JSON.parse(rows[0]!)).toEqual({ a: null, b: null });
  });

  it("serialises under the protobuf JSON names", async () => {
    const rows = await rowsOf("SELECT config FROM scope()", { env: { config } });
    const shown = JSON.parse(rows[0]!).config;
    expect(Object.keys(shown)).toEqual(["server_urls", "labels", "version"]);
    expect(Object.keys(shown.version)).toEqual(["name", "description", "version", "commit", "build_time", "ci_build_url", "install_time"]);
  });

  it("keeps Go-name access after crossing to a worker", async () => {
    const back = fromWire(toWire({ config })) as Record<string, unknown>;
    const rows = await rowsOf("SELECT config.Version.Name AS n FROM scope()", { env: back });
    expect(JSON.parse(rows[0]!)).toEqual({ n: "talon" });
  });
});
