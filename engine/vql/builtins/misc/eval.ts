/** eval(), typeof(), uuid(). */
import { goTypeName } from "../../values/kinds";
import { arg } from "../arg";
import { defineFunction } from "../define";

export const evalFunction = defineFunction({
  name: "eval",
  category: "basic",
  impure: true,
  doc: "Evaluate a lambda string (`x => x + 1`) with `args` as its parameters.",
  args: {
    func: arg.string().required().doc("The lambda, e.g. `x => x * 2`."),
    args: arg.any().doc("Parameter values (a list, or one value)."),
  },
  run({ func, args }, ctx) {
    const list = args === undefined ? [] : Array.isArray(args) ? args : [args];
    return ctx.evalLambda(func, list);
  },
});

export const typeofFunction = defineFunction({
  name: "typeof",
  category: "basic",
  doc: "The Go type name Velociraptor would show for the (first) argument: int64, float64, string, *ordereddict.Dict ...",
  args: {},
  rest: arg.any().doc("The value to inspect (any argument name)."),
  run(_args, _ctx, rest) {
    return rest.length ? goTypeName(rest[0]![1]) : "types.Null";
  },
});

export const uuidFunction = defineFunction({
  name: "uuid",
  category: "basic",
  impure: true,
  doc: "A random UUID (version 4).",
  args: {},
  run() {
    return globalThis.crypto.randomUUID();
  },
});
