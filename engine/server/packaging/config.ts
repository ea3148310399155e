// The deployment config repack(), deb_create() and rpm_create() embed in the agent bundle:
// Velociraptor's client config shape ({Client: {server_urls, ...}}), given as JSON or YAML text,
// with Talon's enrolment token as Client.token (filled from the server's deployment token when
// the given config has none). Without a config, the server's own: TALON_PUBLIC_URL's URLs.
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { z } from "zod";
import { embeddedConfigSchema, type EmbeddedConfig } from "@/engine/protocol/embedded-config";

const urlSchema = z.string().url().refine((u) => /^(https?|wss?):\/\//i.test(u), "expected an http(s) or ws(s) URL");

/** The config text as an object, or undefined when it is empty (null, "", {}): the server's own is used. */
export function parseConfigText(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    try {
      v = parseYaml(text);
    } catch (err) {
      throw new Error(`the config is neither JSON nor YAML: ${(err as Error).message}`);
    }
  }
  if (v === null || v === undefined || (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0)) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw new Error("the config must be a mapping with a Client section");
  return v as Record<string, unknown>;
}

/**
 * The config to embed: the given one (validated: Client.server_urls) or, without one, the
 * server's (TALON_PUBLIC_URL); a missing token is the deployment token (`token()`).
 */
export async function resolveConfig(text: string | undefined, token: () => Promise<string>, env: Record<string, string | undefined> = process.env): Promise<{ config: EmbeddedConfig; yaml: string }> {
  let given = parseConfigText(text);
  if (!given) {
    const urls = (env.TALON_PUBLIC_URL ?? "").split(",").map((u) => u.trim()).filter(Boolean);
    if (!urls.length) throw new Error("no config given and TALON_PUBLIC_URL is not set: give config= (a client config with Client.server_urls) or set TALON_PUBLIC_URL to the server's URL as agents reach it");
    given = { Client: { server_urls: urls } };
  }
  const r = embeddedConfigSchema.safeParse(given);
  if (!r.success) throw new Error(`Invalid client config provided: ${r.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ")}`);
  for (const u of r.data.Client.server_urls) {
    if (!urlSchema.safeParse(u).success) throw new Error(`Invalid client config provided: Client.server_urls: ${JSON.stringify(u)} is not an http(s) or ws(s) URL`);
  }
  const config: EmbeddedConfig = { ...r.data, Client: { ...r.data.Client, token: r.data.Client.token ?? (await token()) } };
  // Only the client part travels: a server config's other sections (datastore, keys) stay home.
  const embedded: EmbeddedConfig = { Client: config.Client };
  return { config: embedded, yaml: stringifyYaml(embedded) };
}
