// An agent query worker's entry point (worker_threads): loads TypeScript through tsx, as
// `talon` does (scripts/talon.mjs), with the tsconfig named so the `@/` paths resolve, then the worker.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../../../tsconfig.json", import.meta.url)) });
await import("./worker.ts");
