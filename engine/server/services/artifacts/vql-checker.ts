// The VQL checker artifacts are validated with on the server and in the CLI: syntax, plus
// engine/vql's lint (unknown plugins, functions and arguments as warnings) when the builtin
// descriptors are given.
import { lintChecker, parseOnly, type VqlChecker } from "../../../artifacts";
import type { DescriptorLike } from "../../../vql/analysis";

export function artifactVqlChecker(descriptors?: readonly DescriptorLike[]): VqlChecker {
  return descriptors ? lintChecker(descriptors) : parseOnly;
}
