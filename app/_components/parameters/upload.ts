// What an upload parameter's value says about the file it carries: the form puts a picked file
// in the value as `data:<type>;name=<file name>;base64,<content>` (see upload-field.tsx).

/** Largest file a parameter carries: its base64 (4/3) must fit the API's 1 MiB request body. */
export const MAX_UPLOAD_PARAMETER_BYTES = 512 * 1024;

/** The file's name and size when `value` is a base64 data: URL, else undefined. */
export function dataUrlInfo(value: string): { name: string; bytes: number } | undefined {
  const m = /^data:([^,]*);base64,/.exec(value);
  if (!m) return undefined;
  const name = /(?:^|;)name=([^;]*)/.exec(m[1]!)?.[1];
  const b64 = value.slice(m[0].length).replace(/\s/g, "");
  const pad = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  let decoded = "";
  try {
    decoded = name ? decodeURIComponent(name) : "";
  } catch {
    decoded = name ?? "";
  }
  return { name: decoded, bytes: Math.max(0, Math.floor((b64.length * 3) / 4) - pad) };
}
