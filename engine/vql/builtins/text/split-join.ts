/** split() (regex or literal separator) and join(). */
import { checkStringLength } from "../../values/limits";
import { compileRegex, isRegexError } from "../../regex/compile";
import { splitRegex } from "../../regex/expand";
import { arg } from "../arg";
import { defineFunction } from "../define";

export const splitFunction = defineFunction({
  name: "split",
  category: "basic",
  doc: "Split a string on a regular expression `sep` (case-sensitive) or on the literal `sep_string`.",
  args: {
    string: arg.string().required().doc("The text to split."),
    sep: arg.string().doc("Separator regular expression (RE2 syntax)."),
    sep_string: arg.string().doc("Literal separator."),
  },
  run({ string, sep, sep_string }, ctx) {
    if (sep_string !== undefined) return string.split(sep_string);
    if (sep === undefined) {
      ctx.log("ERROR", "split: one of `sep` or `sep_string` is required");
      return null;
    }
    const re = compileRegex(sep);
    if (isRegexError(re)) {
      ctx.log("ERROR", `split: Compile regexp: ${re.error}`);
      return null;
    }
    return splitRegex(re, string);
  },
});

export const joinFunction = defineFunction({
  name: "join",
  category: "basic",
  doc: "Concatenate the (stringified) elements of `array`, separated by `sep`.",
  args: {
    array: arg.list(arg.string()).required().doc("The elements to join."),
    sep: arg.string().default("").doc("Separator between elements."),
  },
  argErrorValue: false,
  run: ({ array, sep }) => {
    let n = sep.length * Math.max(0, array.length - 1);
    for (const x of array) n += x.length;
    checkStringLength(n, "join()");
    return array.join(sep);
  },
});
