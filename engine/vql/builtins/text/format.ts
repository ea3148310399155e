/** format() (Go Sprintf) and str() (%v text). */
import { Bytes } from "../../values/bytes";
import { Timestamp } from "../../values/timestamp";
import { arg } from "../arg";
import { defineFunction } from "../define";
import { goValueString, sprintf } from "../format/sprintf";

export const formatFunction = defineFunction({
  name: "format",
  category: "basic",
  doc: "Format values with a Go fmt template (`%v %s %d %x %q %f %05.2f %-10s %T %%` ...); timestamps render as RFC3339.",
  args: {
    format: arg.string().required().doc("The Go fmt template."),
    args: arg.any().doc("A list of values, or one value."),
  },
  argErrorValue: false,
  run({ format, args }) {
    const list = args === undefined ? [] : Array.isArray(args) ? args : [args];
    return sprintf(
      format,
      list.map((v) => (v instanceof Timestamp ? v.toString() : v)),
    );
  },
});

export const strFunction = defineFunction({
  name: "str",
  category: "basic",
  doc: "The `%v` text of a value (byte strings are kept as they are).",
  args: { str: arg.any().required().doc("The value to convert.") },
  argErrorValue: false,
  run: ({ str }) => strOf(str),
  unary: strOf,
});

function strOf(str: unknown): unknown {
  if (typeof str === "string" || str instanceof Bytes) return str;
  return goValueString(str);
}
