// Which VqlServices methods a query worker may call, and how (the RPC's whole surface). `actor`
// methods take the principal first: the worker never sends one, the main thread puts in the
// principal the run was started as. `plain` methods take no principal. journal.subscribe and
// hunts.results stream (the latter with the run's principal put first); journal.checkpoint returns an object (a handle) whose methods are called later.
// artifacts.get/all are answered in the worker from its repository snapshot (they are
// synchronous); artifacts.validate (verify()) is a plain call to the main thread, whose
// repository checks. Anything else is refused by the dispatcher.
import type { VqlServices } from "@/engine/server/contracts";

type MethodsOf<T> = { [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];
type Table = { [S in keyof VqlServices]-?: ReadonlyArray<MethodsOf<NonNullable<VqlServices[S]>>> };

export const ACTOR_METHODS = {
  artifacts: ["set", "delete"],
  clients: ["deploymentToken", "get", "search", "metadata", "setMetadata", "hasLabels", "label", "serverMetadata", "setServerMetadata", "delete", "kill"],
  flows: ["collect", "get", "list", "results", "cancel", "delete", "importCollection"],
  accounts: ["listUsers", "createUser", "setRole"],
  monitoring: [
    "serverTable",
    "setServerTable",
    "addServerArtifact",
    "removeServerArtifact",
    "serverStatus",
    "clientTable",
    "setClientTable",
    "addClientArtifact",
    "removeClientArtifact",
    "clientArtifacts",
    "logs",
    "sendEvent",
    "deleteEvents",
  ],
  alerts: ["list", "update"],
  hunts: ["create", "list", "get", "request", "clients", "update", "delete", "addClient", "rerun"],
  journal: [],
  notebooks: ["list", "get", "create", "update", "remove", "addCell", "deleteCell", "saveCell", "runCell"],
  secrets: ["resolve", "list", "add", "modify", "remove"],
  favorites: ["list", "save", "remove"],
  fileStore: ["createFlowDownload", "createHuntDownload", "localPath", "remove", "put"],
  tools: ["list", "get", "add"],
  userOptions: ["get", "set"],
  timelines: ["list", "begin", "append", "commit", "discard", "read", "remove"],
  userMessages: ["send"],
  cryptoFiles: ["decryptBatch"],
  diagnostics: [],
} as const satisfies Table;

export const PLAIN_METHODS = { journal: ["history", "isStored"], artifacts: ["validate"], diagnostics: ["logs", "queries", "metrics"] } as const;
export const STREAM_METHODS = { journal: ["subscribe"], hunts: ["results"] } as const;
/** Streams that take the principal first (the main thread puts in the run's, as for actor methods). */
export const ACTOR_STREAM_METHODS = { hunts: ["results"] } as const;
/** Methods returning an object, and the methods of that object the worker may call. */
export const HANDLE_METHODS = { journal: { checkpoint: ["next", "commit"] } } as const;

export type CallKind = "actor" | "plain";

/** How a service method is called over the port, or undefined when it may not be. */
export function callKind(service: string, method: string): CallKind | undefined {
  if (((ACTOR_METHODS as Record<string, readonly string[]>)[service] ?? []).includes(method)) return "actor";
  if (((PLAIN_METHODS as Record<string, readonly string[]>)[service] ?? []).includes(method)) return "plain";
  return undefined;
}

export function isStreamMethod(service: string, method: string): boolean {
  return ((STREAM_METHODS as Record<string, readonly string[]>)[service] ?? []).includes(method);
}

export function isActorStream(service: string, method: string): boolean {
  return ((ACTOR_STREAM_METHODS as Record<string, readonly string[]>)[service] ?? []).includes(method);
}

export function handleMethods(service: string, method: string): readonly string[] | undefined {
  return (HANDLE_METHODS as Record<string, Record<string, readonly string[]>>)[service]?.[method];
}
