/**
 * The text a portable file parser reads: with accessor `data` the path argument is the text
 * itself. Other accessors read files, which only the agent's builtins can do; the portable
 * parsers log that and produce nothing, rather than parse a file name as if it were content.
 */
import type { BuiltinContext } from "../types";

export const DATA_ACCESSOR_DOC = "Only `data` is portable (the path argument holds the text); other accessors read files on an endpoint.";

/** The text to parse, or undefined (logged) when the accessor would read a file. */
export function dataText(text: string, accessor: string, ctx: BuiltinContext): string | undefined {
  if (accessor === "data") return text;
  ctx.log("ERROR", `${ctx.name}: accessor \`${accessor || "auto"}\` reads files, which this ${ctx.name}() cannot; pass accessor='data' with the text`);
  return undefined;
}
