#!/usr/bin/env node
// The `talon` command (package.json "bin"): loads TypeScript through tsx and runs the CLI.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../engine/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
