// Where to send a browser after sign-in (`next`): only a path on this site. Browsers strip tabs
// and newlines from URLs and read `\` as `/`, so `/\t/evil.example` or `/\evil.example` become
// protocol-relative and leave the site; a control character in a Location header is also a
// response that cannot be sent. Anything doubtful becomes "/".
const ORIGIN = "http://talon.invalid";
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function decoded(v: string): string | undefined {
  try {
    return decodeURIComponent(v);
  } catch {
    return undefined;
  }
}

/** `value` when it is a same-site path (normalised as a URL), otherwise "/". */
export function safeNextPath(value: unknown): string {
  if (typeof value !== "string" || value.length > 2000) return "/";
  const plain = decoded(value);
  // Checked raw and percent-decoded: `/%09/x` is decoded by some clients before use.
  for (const v of [value, plain]) {
    if (v === undefined) return "/";
    if (!v.startsWith("/") || v.startsWith("//") || v.includes("\\") || CONTROL.test(v)) return "/";
  }
  let url: URL;
  try {
    url = new URL(value, ORIGIN);
  } catch {
    return "/";
  }
  if (url.origin !== ORIGIN) return "/";
  const path = url.pathname + url.search + url.hash;
  return path.startsWith("//") ? "/" : path;
}
