#!/usr/bin/env node
// The `talon` command (package.json "bin"): loads TypeScript through tsx and runs the CLI.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

// The tsconfig is named so that its `@/` paths resolve from any working directory.
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { main } = await import("../engine/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
