// The engine as the HTTP server and route handlers see it: every service, built once per
// process by wiring.ts.
import type { VqlEvent } from "../../vql";
import type { AccountsService } from "./accounts";
import type { AgentPresence } from "./agents";
import type { AlertsService } from "./alerts";
import type { ArtifactsService } from "./artifacts";
import type { AuditService } from "./audit";
import type { ClientsService } from "./clients";
import type { ClusterNode } from "./cluster";
import type { DownloadsService } from "./downloads";
import type { FavoritesService } from "./favorites";
import type { TimelinesService } from "./timelines";
import type { UserMessagesService } from "./user-messages";
import type { CryptoFilesService } from "./crypto-files";
import type { FileStoreService } from "./file-store";
import type { ToolsService } from "./tools";
import type { UserOptionsService } from "./user-options";
import type { Logger, Principal, ServerConfig } from "./common";
import type { FlowsService } from "./flows";
import type { HuntsService } from "./hunts";
import type { InterrogationService } from "./interrogation";
import type { Journal } from "./journal";
import type { LimitsService } from "./limits";
import type { BacktestService, MonitoringService } from "./monitoring";
import type { NotebooksService } from "./notebooks";
import type { ApiQueryRequest, QueryService } from "./queries";
import type { SecretsService } from "./secrets";
import type { UiHub, WsRoute } from "./ui";
import type { VfsService } from "./vfs";

export interface Health {
  ok: boolean;
  version: string;
  database: { kind: "pglite" | "postgres"; ok: boolean; server?: string; error?: string };
  /** This process among those sharing the database. */
  cluster: { nodeId: string; processes: number };
  uptimeSeconds: number;
}

export interface Engine {
  config: ServerConfig;
  log: Logger;
  audit: AuditService;
  monitoring: MonitoringService;
  backtest: BacktestService;
  /** The alert inbox (Server.Internal.Alerts grouped, triaged). */
  alerts: AlertsService;
  accounts: AccountsService;
  /** Managed secrets (administrators manage them; builtins and forwarders resolve them). */
  secrets: SecretsService;
  /** Each user's saved collection specs (favorites_save(), the Collect dialog). */
  favorites: FavoritesService;
  /** Each user's GUI options (user_options()). */
  userOptions: UserOptionsService;
  /** Notebook super-timelines (timeline_add(), timeline(), timelines(), timeline_delete()). */
  timelines: TimelinesService;
  /** Messages to users' GUIs (user_message(), the header's notifications). */
  userMessages: UserMessagesService;
  /** The server key agents seal write_crypto_file() batches to; read_crypto_file() opens them. */
  cryptoFiles: CryptoFilesService;
  /** Role limits (timeout, row cap, concurrency) and the per-user run slots ad-hoc VQL takes. */
  limits: LimitsService;
  /** Runs VQL on the server as a principal (notebooks, the query API, server artifacts). */
  queries: QueryService;
  artifacts: ArtifactsService;
  notebooks: NotebooksService;
  clients: ClientsService;
  flows: FlowsService;
  journal: Journal;
  interrogation: InterrogationService;
  hunts: HuntsService;
  /** Flow and hunt results as zip archives, streamed. */
  downloads: DownloadsService;
  /** Files the server writes for users (create_flow_download() exports), in the database. */
  fileStore: FileStoreService;
  /** The tool inventory (inventory(), inventory_add(), the tool download route). */
  tools: ToolsService;
  /** The file browser: directory listings and file downloads from endpoints, cached. */
  vfs: VfsService;
  agents: Pick<AgentPresence, "isLocal" | "online" | "count" | "localCount">;
  cluster: Pick<ClusterNode, "nodeId" | "liveNodeIds">;
  /** Wire formats the route handlers use (built in the engine's module graph). */
  api: {
    queryLines(events: AsyncIterable<VqlEvent>, source?: string): ReadableStream<Uint8Array>;
    /** The query API's run: role limits checked, a run slot taken or refused (429), the JSON-lines stream. */
    query(p: Principal, r: ApiQueryRequest, signal: AbortSignal): Promise<ReadableStream<Uint8Array>>;
  };
  /** Live channel to browsers: services publish, pages subscribe. */
  ui: Pick<UiHub, "publish" | "authorize" | "subscribers">;
  /** WebSocket endpoints the HTTP server mounts (agents, browsers, collaboration). */
  wsRoutes: WsRoute[];
  health(): Promise<Health>;
  /** Stops services (in reverse order of start) and closes the database. Idempotent. */
  close(): Promise<void>;
  /** Aborted when the engine closes: long-running work chains its signals to this one. */
  signal: AbortSignal;
}
