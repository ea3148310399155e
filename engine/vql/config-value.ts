// The `config` scope variable every query starts with, on the agent, the server and in `talon
// query`: what Velociraptor puts there (its ClientConfig: `server_urls`, `labels`, and the
// `version` block Generic.Client.Info reads as `config.Version.Name`, `.Version`, `.BuildTime`,
// `.ci_build_url`, `.install_time`). Keys are the protobuf JSON names; ProtoDict lets Go-style
// names (`Version`, `BuildTime`) reach them too. No secrets: keys and tokens are never in it.
import { ProtoDict } from "./values/proto-dict";

export interface ConfigFacts {
  /** Talon's version (package.json). */
  version: string;
  /** The server URLs the agent connects to, in failover order. */
  serverUrls: readonly string[];
  /** The program's name (`talon`, as Velociraptor's is `velociraptor`). */
  name: string;
}

export function configValue(f: ConfigFacts): ProtoDict {
  return ProtoDict.of({
    server_urls: [...f.serverUrls],
    labels: [],
    version: {
      name: f.name,
      description: "Talon",
      version: f.version,
      commit: "",
      build_time: "",
      ci_build_url: "",
      install_time: 0,
    },
  });
}
