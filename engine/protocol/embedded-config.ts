// The deployment config embedded in a repacked agent bundle, where Velociraptor embeds its own:
// after the marker `###<Begin Embedded Config>` and a newline, zlib-compressed (here base64 in a
// trailing JavaScript comment, so the bundle stays a valid script). repack() writes it and the
// bundle's entry (engine/cli/agent-bundle.ts) reads it back from its own file.
import { deflateSync, inflateSync } from "node:zlib";
import { z } from "zod";

export const EMBEDDED_MARKER = "###<Begin Embedded Config>";
const OPEN = `\n/*${EMBEDDED_MARKER}\n`;
const CLOSE = "\n*/\n";

/** The config an agent bundle carries: Velociraptor's Client section, as Talon's agent reads it. */
export const embeddedConfigSchema = z.object({
  Client: z.object({
    server_urls: z.array(z.string().min(1)).min(1),
    /** The deployment token (Velociraptor's config has a `nonce` in this place; Talon enrols with the token). */
    token: z.string().min(1).optional(),
    nonce: z.string().optional(),
  }).passthrough(),
}).passthrough();
export type EmbeddedConfig = z.infer<typeof embeddedConfigSchema>;

/** The bundle with `configText` (JSON or YAML text, kept as given) embedded; an earlier embedded config is replaced. */
export function embedConfig(bundle: string, configText: string): string {
  const at = bundle.indexOf(OPEN);
  const base = at >= 0 ? bundle.slice(0, at) : bundle;
  return base + OPEN + deflateSync(Buffer.from(configText, "utf8")).toString("base64") + CLOSE;
}

/** The embedded config's text, or undefined when the bundle carries none. */
export function extractConfigText(bundle: string): string | undefined {
  const at = bundle.lastIndexOf(OPEN);
  if (at < 0) return undefined;
  const end = bundle.indexOf(CLOSE, at + OPEN.length);
  if (end < 0) return undefined;
  const b64 = bundle.slice(at + OPEN.length, end).trim();
  if (!/^[A-Za-z0-9+/=]+$/.test(b64)) return undefined;
  return inflateSync(Buffer.from(b64, "base64")).toString("utf8");
}
