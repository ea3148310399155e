/** A tiny entry for `talon query` alone (tests spawn it): `node --import tsx engine/cli/query-main.ts ...`. */
import { readFile } from "node:fs/promises";
import { queryCommand } from "./query";

const code = await queryCommand(process.argv.slice(2), {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  readFile: (p) => readFile(p, "utf8"),
});
process.exitCode = code;
