// A collection's tool variables completed for this agent: the server hands out a locally served
// tool as a server-relative path (`/api/tools/download/<token>`, unless TALON_PUBLIC_URL gives it
// an absolute one), since it cannot know the URL agents reach it by. Here Tool_<name>_URL becomes
// that path on the first server the agent dials, and Tool_<name>_URLs the JSON list of it on
// every server of its list, in order (Generic.Utils.FetchBinary tries them in turn).
import { httpOriginOf, TOOL_DOWNLOAD_PREFIX } from "@/engine/net";
import type { CollectMessage } from "@/engine/protocol";

const TOOL_VAR = /^Tool_.+_(URL|URLs)$/;

function onServers(path: string, origins: string[]): string[] {
  return path.startsWith(TOOL_DOWNLOAD_PREFIX) ? origins.map((o) => o + path) : [path];
}

export function withServerToolUrls(m: CollectMessage, servers: readonly string[]): CollectMessage {
  const origins = servers.map(httpOriginOf).filter((o): o is string => !!o);
  if (!origins.length || !m.artifacts.some((a) => Object.keys(a.env).some((k) => TOOL_VAR.test(k)))) return m;
  return {
    ...m,
    artifacts: m.artifacts.map((a) => {
      const env: Record<string, unknown> = { ...a.env };
      for (const [k, v] of Object.entries(a.env)) {
        if (typeof v !== "string") continue;
        if (k.endsWith("_URL") && TOOL_VAR.test(k)) env[k] = onServers(v, origins)[0];
        else if (k.endsWith("_URLs") && TOOL_VAR.test(k)) {
          let list: unknown;
          try {
            list = JSON.parse(v);
          } catch {
            continue;
          }
          if (Array.isArray(list)) env[k] = JSON.stringify(list.flatMap((u) => (typeof u === "string" ? onServers(u, origins) : [])));
        }
      }
      return { ...a, env };
    }),
  };
}
