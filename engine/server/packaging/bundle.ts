// The Talon agent as one self-contained JavaScript file (Velociraptor's "binary" for repack(),
// deb_create() and rpm_create()): esbuild bundles the agent's entry (engine/cli/agent-bundle.ts)
// with everything it imports into one ES module that `node` runs; its embedded config is then
// appended by engine/protocol/embedded-config.ts. Built once per process, on first use.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

// ES modules have no require(); bundled CommonJS packages call it for Node's own modules.
const BANNER = [
  "#!/usr/bin/env node",
  "// Talon agent (one-file bundle). Run: node talon-agent.mjs [--server URL --token T] [--state DIR]",
  'import { createRequire as __talonCreateRequire } from "node:module";',
  "const require = __talonCreateRequire(import.meta.url);",
].join("\n");

let cached: Promise<string> | undefined;

async function bundle(): Promise<string> {
  const r = await build({
    entryPoints: [ROOT + "engine/cli/agent-bundle.ts"],
    absWorkingDir: ROOT,
    tsconfig: ROOT + "tsconfig.json",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    logLevel: "silent",
    legalComments: "none",
    banner: { js: BANNER },
  });
  const out = r.outputFiles[0];
  if (!out) throw new Error("esbuild produced no agent bundle");
  return out.text;
}

/** The agent bundle's text (no config embedded). A failed build is tried again next time. */
export function agentBundle(): Promise<string> {
  cached ??= bundle().catch((err: unknown) => {
    cached = undefined;
    throw new Error(`building the agent bundle failed: ${(err as Error)?.message ?? String(err)}`);
  });
  return cached;
}
