// What `talon serve` tells its local agent child on stdin, and the child's exit codes. Shared by
// both sides without loading the agent into the server.
import { z } from "zod";

export const LocalAgentSettingsSchema = z.object({
  server: z.string().url(),
  token: z.string().min(1).max(500),
  stateDir: z.string().startsWith("/"),
  serverDataDir: z.string().startsWith("/"),
  serverPid: z.number().int().positive(),
  protectedPaths: z.array(z.string()).max(1000).default([]),
  rekey: z.boolean().default(false),
});
export type LocalAgentSettings = z.infer<typeof LocalAgentSettingsSchema>;

export const EXIT_REFUSED = 3;
export const EXIT_REKEY = 4;

/** Splits TALON_AGENT_PROTECTED_PATHS (absolute paths, separated by `:` or `,`). */
export function parseProtectedPathList(text: string | undefined): string[] {
  return (text ?? "").split(/[:,]/).map((s) => s.trim()).filter((s) => s.startsWith("/"));
}
