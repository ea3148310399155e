// The VQL checker artifacts are validated with on the server and in the CLI: syntax, plus
// engine/vql's lint (unknown plugins, functions and arguments as warnings) against the portable
// and server builtins. The agent's builtins are not known here, so unknown-name warnings are
// left out for client artifacts.
import { lintChecker, type VqlChecker } from "@/engine/artifacts";
import { createRegistry, describeBuiltins, portableBuiltins } from "@/engine/vql";
import { serverBuiltins } from "../plugins";
import { withEndpointBuiltins } from "../plugins/endpoint";

let serverChecker: VqlChecker | undefined;

export function artifactVqlChecker(): VqlChecker {
  serverChecker ??= lintChecker(describeBuiltins(createRegistry(withEndpointBuiltins([...portableBuiltins, ...serverBuiltins]))));
  return serverChecker;
}
