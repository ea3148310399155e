// How a URL that must not be shown (one that came from a managed secret) is written in rows,
// logs and errors: its scheme and host only.

/** `https://hooks.example/…redacted`; text that is not a URL gives `…redacted`. */
export function redactUrl(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…redacted`;
  } catch {
    return "…redacted";
  }
}
