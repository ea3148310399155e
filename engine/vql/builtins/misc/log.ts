/** log(): write a formatted message to the query log (deduplicated per call site). */
import { arg } from "../arg";
import { defineFunction } from "../define";
import { sprintf } from "../format/sprintf";
import type { LogLevel } from "../types";

const LEVELS = new Set(["DEBUG", "INFO", "WARN", "ERROR"]);

export const logFunction = defineFunction({
  name: "log",
  category: "basic",
  impure: true,
  doc: "Write a message (a format template with `args`) to the query log and return TRUE; repeats within `dedup` seconds are dropped.",
  args: {
    message: arg.string().required().doc("Message or format template."),
    args: arg.any().doc("Values for the template (a list or one value)."),
    level: arg.string().default("INFO").doc("DEBUG, INFO, WARN or ERROR."),
    dedup: arg.int().default(60).doc("Seconds during which the same message is not repeated; -1 disables."),
  },
  argErrorValue: false,
  run({ message, args, level, dedup }, ctx) {
    const text = args === undefined ? message : sprintf(message, Array.isArray(args) ? args : [args]);
    const seen = ctx.aggregate(() => new Map<string, number>()).value;
    const now = ctx.now();
    const last = seen.get(text);
    if (dedup >= 0 && last !== undefined && now - last < dedup * 1000) return true;
    seen.set(text, now);
    const lvl = level.toUpperCase();
    ctx.log((LEVELS.has(lvl) ? lvl : "INFO") as LogLevel, text);
    return true;
  },
});
