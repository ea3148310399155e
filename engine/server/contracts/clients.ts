// The clients service's contract: client records, search, labels and metadata, the deployment
// token. Its changes are journal events: Server.Internal.Enrollment {ClientId} when a client
// enrols, Server.Internal.Label {client_id, Operation, Label} per client and label,
// Server.Internal.MetadataModifications {client_id, Set, Remove}; a change of the server's own
// metadata is {client_id: "server", principal, updated_keys} there (Velociraptor's row: the keys,
// never the values, which are usually secrets).
import type { Db } from "@/drizzle";
import type { DeletedItem, Principal } from "./common";

export const ENROLLMENT_QUEUE = "Server.Internal.Enrollment";
export const LABEL_QUEUE = "Server.Internal.Label";
export const METADATA_QUEUE = "Server.Internal.MetadataModifications";
/** Velociraptor keeps the server's metadata as that of this pseudo-client; events and audit name it. */
export const SERVER_METADATA_CLIENT_ID = "server";

/** One server metadata key and its value, in the order keys were first set. */
export type ServerMetadataEntry = [key: string, value: string];

export interface ClientSummary {
  clientId: string;
  hostname: string;
  fqdn: string;
  /** linux, windows, darwin (Velociraptor's os_info.system). */
  os: string;
  platform: string;
  release: string;
  architecture: string;
  ipAddresses: string[];
  macAddresses: string[];
  agentName: string;
  agentVersion: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  lastIp: string;
  /** Connected to one of the server's processes now. */
  online: boolean;
  labels: string[];
  metadata: Record<string, string>;
  lastInterrogateFlowId: string;
  lastInterrogatedAt: Date | null;
  /** active, revoked (every hello refused) or rekey (waiting for a new key): ClientsService.revokeKey / rekey. */
  keyState: "active" | "revoked" | "rekey";
}

export interface ClientSearch {
  /** Velociraptor's search syntax (host:, label:, label:none, client:, ip:, mac:, os:, recent:, all, metadata keys, globs, /regex/). */
  query: string;
  offset?: number;
  /** Default 50, at most 1000. */
  limit?: number;
  /** Only clients connected now. */
  onlineOnly?: boolean;
}

/** Clients, labels, metadata and the deployment token. Actor-taking methods check permissions. */
export interface ClientsService {
  /** The deployment token agents enrol with (created at first start). SERVER_ADMIN. */
  deploymentToken(actor: Principal): Promise<string>;
  /** The token for the server's own use (the local agent); creates it when missing. */
  ensureDeploymentToken(): Promise<string>;
  /** READ_RESULTS. Parse errors are ServiceError bad_request ("invalid search operator ..."). */
  search(actor: Principal, p: ClientSearch): Promise<{ items: ClientSummary[]; total: number }>;
  /** READ_RESULTS. Every matching client id (up to 100,000), for collections on a search. */
  searchIds(actor: Principal, query: string): Promise<string[]>;
  /** READ_RESULTS; records the client as recently viewed by the actor when `view` is set. */
  get(actor: Principal, clientId: string, opts?: { view?: boolean }): Promise<ClientSummary>;
  /** LABEL_CLIENT. set/remove labels (trimmed, case-insensitive); audited; Server.Internal.Label events. */
  label(actor: Principal, clientIds: string[], labels: string[], op: "set" | "remove"): Promise<void>;
  /** READ_RESULTS. True when the client has every label. */
  hasLabels(actor: Principal, clientId: string, labels: string[]): Promise<boolean>;
  /** READ_RESULTS. */
  metadata(actor: Principal, clientId: string): Promise<Record<string, string>>;
  /** COLLECT_CLIENT or SERVER_ADMIN. Sets keys (string values) and removes keys; audited. */
  setMetadata(actor: Principal, clientId: string, set: Record<string, string>, remove: string[]): Promise<Record<string, string>>;
  /** SERVER_ADMIN. The server's metadata (server_metadata()), keys in the order first set. */
  serverMetadata(actor: Principal): Promise<ServerMetadataEntry[]>;
  /**
   * SERVER_ADMIN. Sets keys (a NULL value removes the key, as in Velociraptor) and removes
   * `remove`; returns the keys that changed. Audited as SetMetadata with the keys only: values
   * are never logged, audited or published.
   */
  setServerMetadata(actor: Principal, set: Array<[key: string, value: string | null]>, remove?: string[]): Promise<string[]>;
  /** Labels in use, with counts (for the label chips' suggestions). READ_RESULTS. */
  labelsInUse(actor: Principal): Promise<Array<{ label: string; count: number }>>;
  /**
   * SERVER_ADMIN. Revokes the client's key: every hello with it is refused (code revoked) and
   * an open connection is closed on every process. Audited (RevokeClientKey).
   */
  revokeKey(actor: Principal, clientId: string): Promise<void>;
  /**
   * SERVER_ADMIN. Lets the client re-enrol with a new key: the next hello for this client id
   * with the deployment token and a key other than the stored one is accepted (the agent makes
   * one when refused with rekey-required). Closes its connection; audited (RekeyClient).
   */
  rekey(actor: Principal, clientId: string): Promise<void>;
  /**
   * MACHINE_STATE. killkillkill(): the connected agent's process exits (its service manager
   * starts it again; a pooled endpoint restarts itself). Audited (killkillkill). Unknown client:
   * not_found; not connected: conflict.
   */
  kill(actor: Principal, clientId: string): Promise<void>;
  /**
   * DELETE_RESULTS and SERVER_ADMIN. What deleting the client removes: each flow (its results,
   * logs and uploads), its labels, metadata, file-browser cache, journal events and event-query
   * logs, its presence, the client record. With `really` all of it is deleted in one transaction
   * with its audit record (client_delete), then its connection is closed wherever it is (the
   * agent enrols again like a new one). Unknown client: not_found.
   */
  delete(actor: Principal, clientId: string, opts: { really: boolean }): Promise<DeletedItem[]>;
  /** For `talon serve`: records the client id of the local agent it runs (the server's own host). */
  recordServerHost(clientId: string): Promise<void>;
  /** Which of these clients are a server's own host (collecting from them needs COLLECT_SERVER). */
  serverHostIds(clientIds: string[]): Promise<Set<string>>;
  /** For the interrogation service: stores what Generic.Client.Info found, for many clients in one write. */
  recordInterrogations(items: Array<{ clientId: string; flowId: string; info: Record<string, unknown> }>, opts?: { tx?: Db }): Promise<void>;
}
