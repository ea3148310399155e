// Artifacts that run as their `impersonate` user, on the server. Only a run on the main thread
// can make another user's principal (a query worker's service calls always carry the principal
// the run started as), so a query that reaches an impersonating artifact, by name in its text
// or through the artifacts it calls, runs here rather than in a worker; a worker refuses one
// reached some other way (engine/artifacts/call-plugin.ts). The impersonator gives the
// artifact's sources that user's host and permissions.
import type { Artifact, Impersonator } from "@/engine/artifacts";
import type { Principal } from "@/engine/server/contracts";
import type { ServerVqlHost } from "../plugins/host";

const CALL = /Artifact\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g;

/** Whether `text`, or an artifact it calls (transitively), is one that impersonates. */
export function reachesImpersonation(text: string, get: (name: string) => Artifact | undefined): boolean {
  const seen = new Set<string>();
  const queue = [text];
  while (queue.length) {
    for (const m of queue.pop()!.matchAll(CALL)) {
      let name = m[1]!;
      let a = get(name);
      // `Artifact.Name.Source`: the artifact is the name without its last part.
      if (!a && name.includes(".")) a = get((name = name.slice(0, name.lastIndexOf("."))));
      if (!a || seen.has(a.name)) continue;
      seen.add(a.name);
      if (a.impersonate) return true;
      for (const s of a.sources) if (s.query) queue.push(s.query.text);
      if (a.export) queue.push(a.export.text);
    }
  }
  return false;
}

/** Runs an artifact's sources as `username` (their permissions; their principal in every service call). */
export function serverImpersonator(principalFor: (username: string) => Promise<Principal | undefined>): Impersonator {
  return async (ctx, username) => {
    const p = await principalFor(username);
    if (!p) return "no such user, or the user is disabled";
    const host = ctx.host as ServerVqlHost;
    return { host: { ...host, principal: p } satisfies ServerVqlHost, permissions: p.permissions };
  };
}
