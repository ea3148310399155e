// The hunts service's contract: one collection across many clients. A hunt is created with its
// collection compiled once (System.Hunt.Creation); the foreman schedules matching clients into
// its pending queue (System.Hunt.Participation, one row per client, at most once per pair); the
// manager, under the lease `hunt-manager`, starts their flows at the hunt's rate and moves each
// client to completed / with_results / error from System.Flow.Completion. See docs/hunts.md.
import type { Principal } from "./common";

export const HUNT_CREATION_QUEUE = "System.Hunt.Creation";
export const HUNT_PARTICIPATION_QUEUE = "System.Hunt.Participation";
/** A hunt's state or queues changed (started, stopped, edited, deleted, clients started): `{HuntId, Mutation}`, Velociraptor's name. */
export const HUNT_MODIFICATION_QUEUE = "Server.Internal.HuntModification";
/** UI socket topics: `hunts` (any hunt created or changed) and `hunt:<HuntId>` (that hunt); messages `{type: "changed", huntId}`. */
export const HUNTS_TOPIC = "hunts";

export type HuntId = string & { readonly __brand: "HuntId" };

const HUNT_ID = /^H\.[0-9A-Z]{8,20}$/;

/** Parses user input (any case) into a HuntId, or undefined. */
export function parseHuntId(s: unknown): HuntId | undefined {
  if (typeof s !== "string") return undefined;
  const t = s.trim().toUpperCase();
  return HUNT_ID.test(t) ? (t as HuntId) : undefined;
}

/** A hunt flow's id: `F.<13 base32>.H` (Velociraptor marks hunt flows with `.H`). */
export function isHuntFlowId(flowId: string): boolean {
  return flowId.endsWith(".H");
}

export type HuntState = "PAUSED" | "RUNNING" | "STOPPED";
export const HUNT_OS = ["ALL", "WINDOWS", "LINUX", "DARWIN"] as const;
export type HuntOs = (typeof HUNT_OS)[number];
export type HuntClientState = "checking" | "excluded" | "pending" | "running" | "completed" | "with_results" | "error";

/** What a new hunt asks for (after the edge's validation). */
export interface HuntSpec {
  artifacts: string[];
  /** `{Artifact: {Param: value}}`, or one flat object for every artifact (as collect takes it). */
  parameters?: Record<string, unknown>;
  description?: string;
  tags?: string[];
  /** Default: 7 days after creation; must be in the future. */
  expires?: Date;
  /** Any of these labels (case-insensitive); empty: every client. */
  includeLabels?: string[];
  excludeLabels?: string[];
  os?: HuntOs;
  /**
   * VQL run on the server for each candidate client with `rows` bound to its facts (ClientId,
   * Hostname, Fqdn, OS, Platform, Release, Architecture, Labels, and the interrogation's row as
   * Info); the client is scheduled when it returns a row. Never sent to an agent. Runs with the
   * creator's permissions.
   */
  serverCondition?: string;
  /**
   * VQL run on each candidate client first, as a short flow (needs ANY_QUERY besides the hunt's
   * own permission); its rows become the server condition's `rows` (without a server condition,
   * any row schedules the client). It is sent to the agent: keep secrets in the server condition.
   */
  clientCondition?: string;
  /** Clients started per minute; 0 (default): as fast as the server allows. */
  clientRate?: number;
  /** Stop after this many clients were scheduled; 0 (default): no limit. */
  clientLimit?: number;
  timeoutSec?: number;
  maxRows?: number;
  maxUploadBytes?: number;
  /** Create PAUSED (needs COLLECT_CLIENT) instead of RUNNING (needs START_HUNT). */
  pause?: boolean;
  /** Safety rail (1-100): stop the hunt when, with at least 10 finished clients, errors/finished exceeds this percentage. */
  maxErrorPercent?: number;
  /** Safety rail: stop the hunt when its clients' rows together pass this. */
  maxTotalRows?: number;
  /** Safety rail: stop the hunt when its clients' uploads together pass this many bytes. */
  maxTotalUploadBytes?: number;
}

/** Finished clients a hunt needs before its error-percentage rail can stop it. */
export const MIN_FINISHED_FOR_ERROR_RAIL = 10;

/** What the live estimate is asked about: a hunt's selection, before it exists. */
export type HuntEstimateSpec = Pick<HuntSpec, "includeLabels" | "excludeLabels" | "os" | "serverCondition" | "clientLimit">;

/** How many clients a selection matches now, and how many of those are online. */
export interface HuntEstimate {
  matching: number;
  online: number;
  /** Clients whose server-side condition failed (they do not match), when there were any. */
  serverConditionErrors?: number;
  /** True when the server-side condition was not run over every candidate (time or count bound): the figures are lower bounds. */
  partial?: boolean;
}

/** Exact counts from the stored (hunt, client) rows. */
export interface HuntStats {
  totalClientsScheduled: number;
  /** Candidates whose client condition is running (not scheduled yet). */
  checking: number;
  /** Candidates whose client and server conditions did not match, and clients a stopped hunt withdrew before they connected. */
  excluded: number;
  pending: number;
  running: number;
  totalFinishedClients: number;
  totalClientsWithResults: number;
  totalClientsWithoutResults: number;
  totalClientsWithErrors: number;
  totalCollectedRows: number;
  totalUploadedBytes: number;
}

export interface HuntSummary {
  huntId: HuntId;
  description: string;
  tags: string[];
  creator: string;
  state: HuntState;
  /** Past its expiry (a RUNNING hunt past it is stopped by the manager). */
  expired: boolean;
  createdAt: Date;
  startedAt: Date | null;
  stoppedAt: Date | null;
  expiresAt: Date;
  clientLimit: number;
  includeLabels: string[];
  excludeLabels: string[];
  os: HuntOs;
  serverCondition: string;
  clientCondition: string;
  clientRate: number;
  artifacts: string[];
  parameters: Record<string, Record<string, unknown>>;
  timeoutMs: number;
  maxRows: number;
  maxUploadBytes: number;
  /** Safety rails (0: none). */
  maxErrorPercent: number;
  maxTotalRows: number;
  maxTotalUploadBytes: number;
  /** Why the hunt stopped by itself (a safety rail, its client limit, its expiry); "" otherwise. */
  stopReason: string;
  stats: HuntStats;
}

export interface HuntClient {
  clientId: string;
  fqdn: string;
  state: HuntClientState;
  flowId: string | null;
  scheduledAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  totalRows: number;
  totalUploadedBytes: number;
  error: string;
}

export interface HuntsService {
  /**
   * START_HUNT to create RUNNING, COLLECT_CLIENT to create PAUSED; the artifacts' required and
   * implied permissions as for a collection. Compiles the collection now. Audited (CreateHunt).
   */
  create(actor: Principal, spec: HuntSpec): Promise<HuntSummary>;
  /** READ_RESULTS. Newest first. */
  list(actor: Principal, p?: { offset?: number; limit?: number }): Promise<{ items: HuntSummary[]; total: number }>;
  /** READ_RESULTS. */
  get(actor: Principal, huntId: string): Promise<HuntSummary>;
  /** READ_RESULTS. The stored compiled request (hunt()'s `Request`). */
  request(actor: Principal, huntId: string): Promise<Record<string, unknown>>;
  /**
   * COLLECT_CLIENT; starting needs START_HUNT. `state: "RUNNING"` (re)starts (clients already in
   * the hunt are not offered it again), `"STOPPED"` stops. Audited (ModifyHunt).
   */
  /** `addTags` / `delTags`: the hunt's own labels (Velociraptor's hunt_update add_labels, del_labels), case-insensitive. */
  update(actor: Principal, huntId: string, p: { state?: "RUNNING" | "STOPPED"; description?: string; expires?: Date; addTags?: string[]; delTags?: string[] }): Promise<HuntSummary>;
  /** DELETE_RESULTS. Removes the hunt and its client rows (the flows stay). Audited (DeleteHunt). */
  delete(actor: Principal, huntId: string): Promise<void>;
  /**
   * START_HUNT. Schedules a client by hand whatever the hunt's conditions and state; `relaunch`
   * re-queues a client that already ran it. False when it was already in the hunt.
   */
  addClient(actor: Principal, huntId: string, clientId: string, opts?: { relaunch?: boolean }): Promise<boolean>;
  /** READ_RESULTS. Clients in scheduling order (of one queue when `state` is given). */
  clients(actor: Principal, huntId: string, p?: { state?: HuntClientState; offset?: number; limit?: number }): Promise<HuntClient[]>;
  /**
   * READ_RESULTS. Every client's rows of one source (`Artifact` or `Artifact/Source`; default:
   * the hunt's first artifact), each with ClientId, FlowId and Fqdn.
   */
  results(actor: Principal, p: { huntId: string; artifact?: string; source?: string; signal?: AbortSignal }): AsyncIterable<Record<string, unknown>>;
  /**
   * COLLECT_CLIENT (what creating a paused hunt needs). How many clients the selection matches
   * now (labels and OS as the foreman applies them, the server-side condition over each client's
   * stored facts, bounded in time and count: `partial` when cut short), and how many are online.
   */
  estimate(actor: Principal, spec: HuntEstimateSpec): Promise<HuntEstimate>;
  /**
   * START_HUNT. Clients of the hunt in these states (default and only: `error`, which includes
   * timed-out flows) get a new flow in the same hunt with its compiled request, back to
   * `running`. Audited (HuntRerun). Returns how many were relaunched.
   */
  rerun(actor: Principal, huntId: string, p?: { states?: Array<"error"> }): Promise<number>;
  /** Runs one round of the manager's work now (on the lease holder; tests). */
  tick(): Promise<void>;
}
