/**
 * commandline_split(): a command line split into its arguments, by Windows rules
 * (CommandLineToArgvW: backslashes are literal unless they precede a quote, `""` inside quotes
 * is a quote) or, with bash_style, by POSIX shell rules (quotes, backslash escapes, `#`
 * comments), as Velociraptor's commandline_split() (vql/functions/commandline.go).
 */
import { arg } from "../arg";
import { defineFunction } from "../define";

/** Windows rules. */
export function splitWindows(cmd: string): string[] {
  const args: string[] = [];
  let i = 0;
  const n = cmd.length;
  while (i < n) {
    if (cmd[i] === " " || cmd[i] === "\t") {
      i++;
      continue;
    }
    let out = "";
    let inQuote = false;
    let slashes = 0;
    for (; i < n; i++) {
      const c = cmd[i]!;
      if ((c === " " || c === "\t") && !inQuote) {
        i++;
        break;
      }
      if (c === '"') {
        out += "\\".repeat(slashes >> 1);
        if (slashes % 2 === 0) {
          if (inQuote && cmd[i + 1] === '"') {
            out += '"';
            i++;
          }
          inQuote = !inQuote;
        } else out += '"';
        slashes = 0;
        continue;
      }
      if (c === "\\") {
        slashes++;
        continue;
      }
      out += "\\".repeat(slashes) + c;
      slashes = 0;
    }
    args.push(out + "\\".repeat(slashes));
  }
  return args;
}

/** POSIX shell rules (no expansion); throws on an unclosed quote or a trailing backslash. */
export function splitShell(cmd: string): string[] {
  const args: string[] = [];
  let i = 0;
  const n = cmd.length;
  const space = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r";
  while (i < n) {
    if (space(cmd[i])) {
      i++;
      continue;
    }
    if (cmd[i] === "#") {
      while (i < n && cmd[i] !== "\n") i++;
      continue;
    }
    let out = "";
    while (i < n && !space(cmd[i])) {
      const c = cmd[i++]!;
      if (c === "\\") {
        if (i >= n) throw new Error("EOF found after escape character");
        out += cmd[i++];
      } else if (c === "'") {
        const end = cmd.indexOf("'", i);
        if (end < 0) throw new Error("EOF found when expecting closing quote");
        out += cmd.slice(i, end);
        i = end + 1;
      } else if (c === '"') {
        for (;;) {
          if (i >= n) throw new Error("EOF found when expecting closing quote");
          const d = cmd[i++]!;
          if (d === '"') break;
          if (d === "\\") {
            if (i >= n) throw new Error("EOF found when expecting closing quote");
            out += cmd[i++];
          } else out += d;
        }
      } else out += c;
    }
    args.push(out);
  }
  return args;
}

export const commandlineSplitFunction = defineFunction({
  name: "commandline_split",
  category: "parsers",
  doc: "Split a command line into its arguments, following the Windows conventions (or bash rules with bash_style).",
  args: {
    command: arg.string().required().doc("Commandline to split into components."),
    bash_style: arg.bool().default(false).doc("Use bash rules (Uses Windows rules by default)."),
  },
  argErrorValue: [],
  run({ command, bash_style }, ctx) {
    if (!bash_style) return splitWindows(command);
    try {
      return splitShell(command);
    } catch (err) {
      ctx.log("ERROR", `commandline_split: ${(err as Error).message}`);
      return [];
    }
  },
});
