// The explicit list of server-only VQL builtins. Each domain file exports an array; append
// one line per domain. Registration is not a side effect of importing.
import type { Builtin } from "../../vql";
import { clientBuiltins } from "./clients";
import { flowBuiltins } from "./flows";

export const serverBuiltins: readonly Builtin[] = [
  ...clientBuiltins,
  ...flowBuiltins,
];
