// What a server-only VQL builtin receives as ctx.host: who runs the query and the services it
// may call (VqlServices, each as narrow as the builtins need). Builtins reach services only
// through this object, never by importing them.
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";
import type { Principal, VqlNotebooks, VqlServices } from "@/engine/server/contracts";

export interface ServerVqlHost {
  principal: Principal;
  services: VqlServices;
  /** The server's own host, for glob(), read_file(), pslist()... (plugins/endpoint.ts); absent: those builtins log that they cannot run. */
  system?: EndpointSystem;
  /** The server process's logs, queries and metrics (the developer builtins); services.diagnostics. */
  diagnostics?: VqlServices["diagnostics"];
}

/** ctx.host as ServerVqlHost, or an error a builtin turns into a logged failure. */
export function serverHost(host: unknown): ServerVqlHost {
  const h = host as Partial<ServerVqlHost> | undefined;
  if (!h?.services || !h.principal) throw new Error("this builtin runs only on the Talon server");
  return h as ServerVqlHost;
}

/** The notebooks service handed to this run (cells and the query API hand it over). */
export function notebooksOf(services: VqlServices): VqlNotebooks {
  if (!services.notebooks) throw new Error("notebook builtins need the notebooks service, which this query was not given");
  return services.notebooks;
}

/** The favorites service handed to this run (the server's runner hands it over). */
export function favoritesOf(services: VqlServices): NonNullable<VqlServices["favorites"]> {
  if (!services.favorites) throw new Error("favorites builtins need the favorites service, which this query was not given");
  return services.favorites;
}

/** The file-store service handed to this run (the server's runner hands it over). */
export function fileStoreOf(services: VqlServices): NonNullable<VqlServices["fileStore"]> {
  if (!services.fileStore) throw new Error("file-store builtins need the file-store service, which this query was not given");
  return services.fileStore;
}

/** The user-options service handed to this run (the server's runner hands it over). */
export function userOptionsOf(services: VqlServices): NonNullable<VqlServices["userOptions"]> {
  if (!services.userOptions) throw new Error("user_options() needs the user-options service, which this query was not given");
  return services.userOptions;
}

/** The timelines service handed to this run (the server's runner hands it over). */
export function timelinesOf(services: VqlServices): NonNullable<VqlServices["timelines"]> {
  if (!services.timelines) throw new Error("timeline builtins need the timelines service, which this query was not given");
  return services.timelines;
}

/** The user messages service handed to this run (the server's runner hands it over). */
export function userMessagesOf(services: VqlServices): NonNullable<VqlServices["userMessages"]> {
  if (!services.userMessages) throw new Error("user_message() needs the user messages service, which this query was not given");
  return services.userMessages;
}
