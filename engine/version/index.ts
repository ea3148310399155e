// Talon's version, read once from package.json.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const TALON_VERSION: string = (() => {
  try {
    const path = fileURLToPath(new URL("../../package.json", import.meta.url));
    return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
})();
