// The VQL runner's contract: run VQL on the server as a principal, with every server builtin.
// Server builtins reach services only through VqlServices (each builtin file names the narrow
// part it uses), handed to the runner when it is built. The notebooks service is built after
// the runner (it runs cells through it), so callers pass it with each run.
import type { ProcessDiagnostics } from "@/engine/endpoint/diagnostics/diagnostics";
import type { Builtin, PluginLike, Registry, VqlEvent } from "../../vql";
import type { AccountsService } from "./accounts";
import type { AlertsService, QueryOrigin } from "./alerts";
import type { ArtifactsService } from "./artifacts";
import type { ClientsService } from "./clients";
import type { Principal } from "./common";
import type { FavoritesService } from "./favorites";
import type { TimelinesService } from "./timelines";
import type { UserMessagesService } from "./user-messages";
import type { CryptoFilesService } from "./crypto-files";
import type { FileStoreService } from "./file-store";
import type { ToolsService } from "./tools";
import type { UserOptionsService } from "./user-options";
import type { FlowsService } from "./flows";
import type { HuntsService } from "./hunts";
import type { Journal } from "./journal";
import type { MonitoringService } from "./monitoring";
import type { NotebooksService } from "./notebooks";
import type { SecretsService } from "./secrets";

/** The services server builtins may call, as narrow as the builtins need them. */
export interface VqlServices {
  /** validate may answer asynchronously: in a query worker it is a call to the main thread. */
  artifacts: Pick<ArtifactsService, "get" | "all" | "set" | "delete"> & {
    validate(...args: Parameters<ArtifactsService["validate"]>): ReturnType<ArtifactsService["validate"]> | Promise<ReturnType<ArtifactsService["validate"]>>;
  };
  clients: Pick<ClientsService, "deploymentToken" | "get" | "search" | "metadata" | "setMetadata" | "hasLabels" | "label" | "serverMetadata" | "setServerMetadata" | "delete" | "kill">;
  flows: Pick<FlowsService, "collect" | "get" | "list" | "results" | "cancel" | "delete" | "importCollection">;
  /** Users (gui_users(), user_create()); absent where the run was not given them, and those builtins say so. */
  accounts?: VqlAccounts;
  monitoring: MonitoringService;
  /** Hunts (hunt(), hunts(), hunt_results(), hunt_flows(), hunt_add(), hunt_update(), hunt_delete()). */
  hunts: Pick<HuntsService, "create" | "list" | "get" | "request" | "clients" | "results" | "update" | "delete" | "addClient" | "rerun">;
  /** The alert inbox (alerts(), alert_update()). */
  alerts: Pick<AlertsService, "list" | "update">;
  /**
   * Reading event queues (watch_monitoring, monitoring, source over events). isStored may answer
   * asynchronously: in a query worker it is a call to the main thread.
   */
  journal: Pick<Journal, "subscribe" | "history" | "checkpoint"> & { isStored(queue: string): boolean | Promise<boolean> };
  /** Present when the caller handed it to the run (notebook cells and the query API do). */
  notebooks?: VqlNotebooks;
  /** http_client(secret=...) resolves; secret_add(), secret_modify() and secrets() manage. */
  secrets: VqlSecrets;
  /** favorites_save(), favorites_delete(), favorites_list(); absent where the run was not given it, and those builtins say so. */
  favorites?: VqlFavorites;
  /** create_flow_download(), create_hunt_download(), file_store(), file_store_delete(); absent where the run was not given it. */
  fileStore?: VqlFileStore;
  /** inventory(), inventory_get(), inventory_add(); absent where the run was not given it. */
  tools?: VqlTools;
  /** user_options(); absent where the run was not given it. */
  userOptions?: Pick<UserOptionsService, "get" | "set">;
  /** timeline_add(), timeline(), timelines(), timeline_delete(); absent where the run was not given it. */
  timelines?: VqlTimelines;
  /** user_message(); absent where the run was not given it. */
  userMessages?: Pick<UserMessagesService, "send">;
  /** read_crypto_file(); absent where the run was not given it. */
  cryptoFiles?: Pick<CryptoFilesService, "decryptBatch">;
  /** The server process's recent logs, queries and metrics (profile(), logging(), trace()); absent where not given. */
  diagnostics?: VqlDiagnostics;
}

/** What the developer builtins read of the server process (engine/endpoint/diagnostics). */
export type VqlDiagnostics = Omit<ProcessDiagnostics, "rekey" | "serverPublicKey">;

export type VqlTimelines = Pick<TimelinesService, "list" | "begin" | "append" | "commit" | "discard" | "read" | "remove">;

export type VqlAccounts = Pick<AccountsService, "listUsers" | "createUser" | "setRole">;

export type VqlFavorites = Pick<FavoritesService, "list" | "save" | "remove">;

export type VqlFileStore = Pick<FileStoreService, "createFlowDownload" | "createHuntDownload" | "localPath" | "remove" | "put">;

export type VqlTools = Pick<ToolsService, "list" | "get" | "add">;

export type VqlSecrets = Pick<SecretsService, "resolve" | "list" | "add" | "modify" | "remove">;

export type VqlNotebooks = Pick<NotebooksService, "list" | "get" | "create" | "update" | "remove" | "addCell" | "deleteCell" | "saveCell" | "runCell" | "rows">;

export interface RunAsOptions {
  principal: Principal;
  /** Scope variables (artifact parameters, notebook environment). */
  env?: Record<string, unknown>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Per-SELECT row cap. */
  maxRows?: number;
  /**
   * Ad-hoc VQL (a notebook cell, the query API) needs ANY_QUERY, as in Velociraptor. Queries
   * the server runs from a saved artifact on the principal's behalf pass false.
   */
  adhoc?: boolean;
  /** The notebooks service, for notebook_*() builtins in this run. */
  notebooks?: VqlNotebooks;
  /** Builtins that replace those of the same name for this run (backtests' replays and recorders). */
  overrides?: readonly Builtin[];
  /** Consulted before the repository for `Artifact.X()` plugins (backtests replay stored rows). */
  resolvePlugin?: (dottedName: string) => PluginLike | undefined;
  /** Where the query runs (an event artifact, a notebook cell...): alerts it raises say so. */
  origin?: QueryOrigin;
}

/**
 * What a server query yields: alert() events never reach the caller (the runner appends them to
 * `Server.Internal.Alerts` and yields an INFO line `Alert <name>: <event data>` in their place).
 */
export type ServerVqlEvent = Exclude<VqlEvent, { kind: "alert" }>;

export interface QueryService {
  readonly registry: Registry;
  run(source: string, opts: RunAsOptions): AsyncIterable<ServerVqlEvent>;
  /** Resolves once the query workers started with the engine are ready (at once without workers). */
  warmed(): Promise<void>;
}

/** POST /api/v1/query's body (engine.api.query), after the route's zod check. */
export interface ApiQueryRequest {
  query: string;
  env?: Record<string, unknown>;
  timeoutSec?: number;
  maxRows?: number;
}
