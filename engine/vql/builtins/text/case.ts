/** lowcase(), upcase(), strip(), substr(). */
import { arg } from "../arg";
import { defineFunction } from "../define";

export const lowcaseFunction = defineFunction({
  name: "lowcase",
  category: "basic",
  doc: "The string in lower case (Unicode aware).",
  args: { string: arg.string().required().doc("The text to convert.") },
  run: ({ string }) => string.toLowerCase(),
  unary: (string: string) => string.toLowerCase(),
});

export const upcaseFunction = defineFunction({
  name: "upcase",
  category: "basic",
  doc: "The string in upper case (Unicode aware).",
  args: { string: arg.string().required().doc("The text to convert.") },
  run: ({ string }) => string.toUpperCase(),
  unary: (string: string) => string.toUpperCase(),
});

export const stripFunction = defineFunction({
  name: "strip",
  category: "basic",
  doc: "Remove `prefix` and/or `suffix` from the string; with neither, trim surrounding whitespace.",
  args: {
    string: arg.string().required().doc("The text to strip."),
    prefix: arg.string().doc("A prefix to remove when present."),
    suffix: arg.string().doc("A suffix to remove when present."),
  },
  argErrorValue: false,
  run({ string, prefix, suffix }) {
    let s = string;
    if (!prefix && !suffix) return s.trim();
    if (prefix && s.startsWith(prefix)) s = s.slice(prefix.length);
    if (suffix && s.endsWith(suffix)) s = s.slice(0, s.length - suffix.length);
    return s;
  },
});

export const substrFunction = defineFunction({
  name: "substr",
  category: "basic",
  doc: "Characters from `start` (inclusive) to `end` (exclusive) of the string, by character position.",
  args: {
    str: arg.string().required().doc("The text."),
    start: arg.int().default(0).doc("First character position."),
    end: arg.int().doc("Position to stop before (default: the end)."),
  },
  run({ str, start, end }) {
    const chars = [...str];
    const s = Math.max(0, Math.min(chars.length, start));
    const e = end === undefined ? chars.length : Math.max(0, Math.min(chars.length, end));
    return e <= s ? "" : chars.slice(s, e).join("");
  },
});
