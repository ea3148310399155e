// The developer builtins over the server process (profile(), profile_goroutines(),
// profile_memory(), trace(), logging(): engine/endpoint/builtins/developer), as Velociraptor's
// server runs them for Server.Monitor.Profile and notebooks. Their logs, queries and metrics come
// from services.diagnostics (engine/server/diagnostics.ts) through ctx.host.diagnostics; the
// file profiles profile the thread the query runs in (a query worker).
import type { Builtin } from "@/engine/vql";
import { developerBuiltins } from "@/engine/endpoint/builtins/developer";

export const serverDeveloperBuiltins: readonly Builtin[] = developerBuiltins.map((b) => ({ ...b, platforms: ["server"] }) as Builtin);
