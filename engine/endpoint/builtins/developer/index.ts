// The developer builtins the agent and the server both run (each over its own process).
import type { Builtin } from "@/engine/vql";
import { profileGoroutinesPlugin, profileMemoryPlugin } from "./goroutines";
import { loggingPlugin } from "./logging";
import { profilePlugin } from "./profile";
import { traceFunction } from "./trace";

export const developerBuiltins: readonly Builtin[] = [profilePlugin, profileGoroutinesPlugin, profileMemoryPlugin, traceFunction, loggingPlugin];
