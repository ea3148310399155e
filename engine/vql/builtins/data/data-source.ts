/**
 * The text a portable file parser reads. With accessor `data` the path argument is the text
 * itself. With `auto`, `file` (or none) the path is a file, read through the host's file access
 * (ctx.files: the agent's, behind its protected paths), as Velociraptor's parsers read it; where
 * the host gives none (the editor, a notebook on the server) the parser logs that it cannot read
 * files and produces nothing, rather than parse a file name as if it were content. Other
 * accessors (ntfs, zip, raw_reg...) are logged as not available.
 */
import type { BuiltinContext } from "../types";

export const DATA_ACCESSOR_DOC = "`auto`/`file` read the file on an endpoint; `data`: the path argument holds the text.";

/** Files larger than this are not read whole into a parser (Velociraptor streams them). */
export const MAX_PARSED_FILE_BYTES = 256 * 1024 * 1024;

const FILE_ACCESSORS = new Set(["", "auto", "file"]);

/** The bytes of the file or data to parse, or undefined (logged) when they cannot be had. */
export async function dataBytes(path: string, accessor: string, ctx: BuiltinContext): Promise<Uint8Array | undefined> {
  if (accessor === "data") return new TextEncoder().encode(path);
  if (!FILE_ACCESSORS.has(accessor)) {
    ctx.log("ERROR", `${ctx.name}: accessor \`${accessor}\` is not available; use \`auto\` (files) or \`data\``);
    return undefined;
  }
  if (!ctx.files) {
    ctx.log("ERROR", `${ctx.name}: accessor \`${accessor || "auto"}\` reads files, which this ${ctx.name}() cannot here (files are read on endpoints); pass accessor='data' with the text`);
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const c of ctx.files.read(path, { signal: ctx.signal })) {
      size += c.length;
      if (size > MAX_PARSED_FILE_BYTES) {
        ctx.log("ERROR", `${ctx.name}: ${path} is larger than ${MAX_PARSED_FILE_BYTES} bytes; not parsed`);
        return undefined;
      }
      chunks.push(c);
    }
  } catch (err) {
    if (ctx.signal.aborted) return undefined;
    // Velociraptor logs an unreadable file and goes on with the next one.
    ctx.log("ERROR", `${ctx.name}: ${path}: ${(err as Error).message}`);
    return undefined;
  }
  return Buffer.concat(chunks);
}

/** The text to parse (UTF-8), or undefined (logged) when it cannot be had. */
export async function dataText(path: string, accessor: string, ctx: BuiltinContext): Promise<string | undefined> {
  if (accessor === "data") return path;
  const b = await dataBytes(path, accessor, ctx);
  return b === undefined ? undefined : new TextDecoder().decode(b);
}
