// Whether a parameter's text is a valid value of its type, as the artifact engine will convert
// it: integers (decimal or 0x), numbers, JSON (with the line and column of the error), JSON
// arrays, RE2 regular expressions (Velociraptor's syntax, through the engine's regex layer),
// times, and the artifact's own `validating_regex`. Pure: the form and its tests use it.
import { compileRegex, isRegexError } from "@/engine/vql/regex/compile";
import { parseDateString } from "@/engine/vql/values/time-parse";
import { fieldKind, type ParameterSpec } from "./types";

/** The problem with `value` for `p`, or "" when it converts. */
export function parameterProblem(p: ParameterSpec, value: string): string {
  const kind = fieldKind(p);
  const t = value.trim();
  let problem = "";
  switch (kind) {
    case "int":
      if (t && !/^[-+]?(\d+|0x[0-9a-f]+)$/i.test(t)) problem = "not a whole number";
      break;
    case "float":
      if (t && !Number.isFinite(Number(t))) problem = "not a number";
      break;
    case "json":
      problem = jsonProblem(value);
      break;
    case "json_array":
    case "multichoice":
      problem = jsonArrayProblem(value);
      break;
    case "regex_array": {
      problem = jsonArrayProblem(value);
      if (!problem && t) {
        const list = JSON.parse(value) as unknown[];
        for (const [i, r] of list.entries()) {
          const e = regexProblem(String(r));
          if (e) {
            problem = `item ${i + 1}: ${e}`;
            break;
          }
        }
      }
      break;
    }
    case "regex":
      problem = regexProblem(value);
      break;
    case "timestamp":
      if (t && !/^-?\d+(\.\d+)?$/.test(t) && !parseDateString(t)) problem = "not a date and time (e.g. 2024-03-01T10:00:00Z) or an epoch number";
      break;
  }
  if (!problem && p.validatingRegex && kind !== "bool") {
    const re = compileRegex(p.validatingRegex);
    if (!isRegexError(re) && !re.test(value)) problem = `does not match ${p.validatingRegex}`;
  }
  return problem;
}

/** The invalid values the user typed (untouched defaults are not held against them), by name. */
export function parameterProblems(parameters: ParameterSpec[], values: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parameters) {
    const v = values?.[p.name];
    if (v === undefined || fieldKind(p) === "hidden") continue;
    const problem = parameterProblem(p, v);
    if (problem) out[p.name] = problem;
  }
  return out;
}

export function hasParameterProblems(parameters: ParameterSpec[], values: Record<string, string> | undefined): boolean {
  return Object.keys(parameterProblems(parameters, values)).length > 0;
}

/** RE2 compile error of `pattern` ("" when it compiles). */
export function regexProblem(pattern: string): string {
  if (!pattern) return "";
  const re = compileRegex(pattern);
  return isRegexError(re) ? `invalid regular expression: ${re.error}` : "";
}

export function jsonProblem(text: string): string {
  if (!text.trim()) return "";
  try {
    JSON.parse(text);
    return "";
  } catch (err) {
    return `invalid JSON: ${withLineCol(text, (err as Error).message)}`;
  }
}

function jsonArrayProblem(text: string): string {
  const problem = jsonProblem(text);
  if (problem || !text.trim()) return problem;
  return Array.isArray(JSON.parse(text)) ? "" : "not a JSON array (write [ ... ])";
}

/** Adds line:column to a JSON.parse message that gives only a position. */
function withLineCol(text: string, message: string): string {
  if (/line \d+ column \d+/.test(message)) return message;
  const m = /at position (\d+)/.exec(message);
  if (!m) return message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const col = pos - before.lastIndexOf("\n");
  return `${message} (line ${line} column ${col})`;
}
