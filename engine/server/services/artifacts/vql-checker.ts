// The VQL checker artifacts are validated with on the server and in the CLI: syntax, and
// (once engine/vql's lint is available) unknown plugins, functions and arguments as warnings.
import { parseOnly, type VqlChecker } from "../../../artifacts";

export function artifactVqlChecker(): VqlChecker {
  return parseOnly;
}
