// The VQL checker artifacts are validated with on the server and in the CLI: syntax, plus
// engine/vql's lint (unknown plugins, functions and arguments as warnings) against the portable
// and server builtins for server artifacts, and against the portable and the agent's builtins
// (engine/protocol's copy of their descriptors) for CLIENT and CLIENT_EVENT artifacts.
import { lintChecker, type VqlChecker } from "@/engine/artifacts";
import { createRegistry, describeBuiltins, portableBuiltins } from "@/engine/vql";
import { serverBuiltins } from "../plugins";
import { withEndpointBuiltins } from "../plugins/endpoint";
import { endpointDescriptors } from "./endpoint-builtins";

let serverChecker: VqlChecker | undefined;

export function artifactVqlChecker(): VqlChecker {
  serverChecker ??= lintChecker(describeBuiltins(createRegistry(withEndpointBuiltins([...portableBuiltins, ...serverBuiltins]))), { clientDescriptors: endpointDescriptors() });
  return serverChecker;
}
