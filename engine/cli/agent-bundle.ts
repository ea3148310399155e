// The entry of the self-contained agent bundle (one JavaScript file, built by esbuild in
// engine/server/packaging/bundle.ts; repack(), deb_create() and rpm_create() ship it): reads the
// deployment config embedded in its own file (engine/protocol/embedded-config.ts) and runs
// `talon client` with its server URLs and token, unless given on the command line. The same
// file is the agent's query worker (worker_threads start it again: not the main thread).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import { parse as parseYaml } from "yaml";
import { embeddedConfigSchema, extractConfigText } from "@/engine/protocol/embedded-config";

declare global {
  // eslint-disable-next-line no-var
  var __talonAgentWorkerEntry: URL | undefined;
}

async function main(): Promise<number> {
  const self = fileURLToPath(import.meta.url);
  globalThis.__talonAgentWorkerEntry = new URL(import.meta.url);
  const argv = process.argv.slice(2);
  const text = extractConfigText(readFileSync(self, "utf8"));
  const extra: string[] = [];
  if (text !== undefined) {
    const parsed = embeddedConfigSchema.safeParse(parseYaml(text));
    if (!parsed.success) {
      process.stderr.write(`talon-agent: the embedded config is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}\n`);
      return 2;
    }
    const c = parsed.data.Client;
    if (!argv.includes("--server")) extra.push("--server", c.server_urls.join(","));
    const token = c.token ?? c.nonce;
    if (token && !argv.includes("--token")) extra.push("--token", token);
  }
  const { clientCommand } = await import("@/engine/cli/client");
  return clientCommand([...argv, ...extra], { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
}

if (isMainThread) {
  process.exitCode = await main();
} else {
  await import("@/engine/client/isolation/worker");
}
