// The agent's one WebSocket to a server: challenge → hello → welcome, then the outbox is sent
// (a window of unacknowledged messages at a time) and server messages are dispatched. Given
// several server URLs it dials them in order: a failed attempt or a dropped connection moves on
// to the next (wrapping around), with backoff (servers.ts retryDelay). A permanent refusal
// (wrong token, wrong identity, other protocol version) stops it with the server's reason; a
// kill message (killkillkill()) stops it with `killed`, for the process to exit.
import { WebSocket } from "ws";
import {
  assertNever,
  decodeServerMessage,
  encodeMessage,
  LIMITS,
  PROTOCOL_VERSION,
  type AgentToServer,
  type CancelMessage,
  type EventTableMessage,
  type CollectMessage,
  type Refused,
} from "../../protocol";
import type { Identity } from "../identity";
import type { BackoffOptions } from "./backoff";
import type { Outbox } from "./outbox";
import { agentUrl, retryDelay, serverList, type ServerTarget } from "./servers";

export interface AgentLog {
  (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>): void;
}

/**
 * `servers` (or a single `server`): base URLs (http[s]://host:port) or agent endpoint ws[s]://
 * URLs, in the order they are tried. They should be servers of one deployment (one database):
 * the outbox's acknowledged seq is the server's, and it must be the same on every server.
 */
export type ConnectionOptions = ConnectionSettings & ServerTarget;

export interface ConnectionSettings {
  identity: Identity;
  token?: string;
  agent: { name: string; version: string };
  outbox: Outbox;
  onCollect(message: CollectMessage): void;
  onCancel(message: CancelMessage): void;
  /** A new client event table (absent: the agent runs no event queries and reports none). */
  onEventTable?(message: EventTableMessage): void;
  /** The version of the event table the agent runs, reported in the hello. */
  eventTableVersion?(): string | undefined;
  /** Flows the executor is running (reported in the hello together with the outbox's). */
  running(): string[];
  log: AgentLog;
  backoff?: BackoffOptions;
  /** Unacknowledged messages on the wire at most. */
  window?: number;
  /** Called once per welcome (tests and pool statistics). */
  onWelcome?(welcome: { enrolled: boolean; ackedSeq: number; serverPublicKey?: string }): void;
}

function eventTableVersion(o: ConnectionSettings): { eventTableVersion?: string } {
  const v = o.eventTableVersion?.();
  return v ? { eventTableVersion: v } : {};
}

export type StopReason = { kind: "stopped" } | { kind: "killed"; reason?: string } | { kind: "refused"; refusal: Refused };

const PERMANENT = new Set<Refused["code"]>(["bad-token", "bad-identity", "bad-version", "revoked", "rekey-required"]);

export class AgentConnection {
  private stopped = false;
  private killed: { reason?: string } | undefined;
  private ws: WebSocket | undefined;
  private sentUpTo = 0;
  private connected = false;
  private wakeSleep: (() => void) | undefined;
  /** Agent endpoint URLs, index for index with `servers`. */
  private readonly urls: string[];
  private next = 0;
  private readonly window: number;
  private readonly unsubscribe: () => void;
  /** The server URLs in the order this connection tries them. */
  readonly servers: readonly string[];
  /** Connected and welcomed. */
  isOnline = false;
  /** The entry of `servers` this agent is welcomed by; undefined while offline. */
  currentServer: string | undefined;

  constructor(private readonly o: ConnectionOptions) {
    this.servers = serverList(o);
    this.urls = this.servers.map(agentUrl);
    this.window = o.window ?? 32;
    this.unsubscribe = o.outbox.onAppend(() => this.pump());
  }

  /** Runs until stop() or a permanent refusal. */
  async run(): Promise<StopReason> {
    const backoff = this.o.backoff ?? { baseMs: 1000, maxMs: 60_000 };
    // Consecutive failed attempts since the last welcome (0 right after a welcomed connection
    // dropped, so the next server is tried within the base delay).
    let failures = 0;
    try {
      while (!this.stopped) {
        const outcome = await this.connectOnce(this.next);
        if (outcome.kind === "refused" && PERMANENT.has(outcome.refusal.code)) return outcome;
        if (this.stopped) break;
        failures = outcome.kind === "welcomed" ? 0 : failures + 1;
        const delay = retryDelay(failures, this.urls.length, backoff);
        if (this.urls.length > 1) {
          this.next = (this.next + 1) % this.urls.length;
          const level = outcome.kind === "welcomed" ? "warn" : "info";
          this.o.log(level, "connecting to next server", { url: this.servers[this.next], inMs: delay });
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          this.wakeSleep = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wakeSleep = undefined;
      }
      return this.killed ? { kind: "killed", ...this.killed } : { kind: "stopped" };
    } finally {
      this.unsubscribe();
    }
  }

  /** The client id this connection says hello with. */
  get clientId(): string {
    return this.o.identity.clientId;
  }

  /** rekey(): says hello as `identity` from now on, reconnecting at once. */
  switchIdentity(identity: Identity): void {
    this.o.identity = identity;
    this.wakeSleep?.();
    this.ws?.close(1000, "agent rekeyed");
  }

  stop() {
    this.stopped = true;
    this.wakeSleep?.();
    this.ws?.close(1000, "agent stopping");
  }

  private send(m: AgentToServer) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(encodeMessage(m));
  }

  private pump() {
    if (!this.connected) return;
    const room = this.window - (this.sentUpTo - this.o.outbox.ackedSeq);
    if (room <= 0) return;
    for (const m of this.o.outbox.pending(this.sentUpTo, room)) {
      this.send(m);
      this.sentUpTo = m.seq;
    }
  }

  private connectOnce(index: number): Promise<{ kind: "welcomed" | "failed" } | { kind: "refused"; refusal: Refused }> {
    const server = this.servers[index]!;
    return new Promise((resolve) => {
      let welcomed = false;
      let refusal: Refused | undefined;
      let heartbeat: NodeJS.Timeout | undefined;
      const ws = new WebSocket(this.urls[index]!, { perMessageDeflate: false, handshakeTimeout: 15_000, maxPayload: 64 * 1024 * 1024 });
      this.ws = ws;

      ws.on("message", (data: Buffer) => {
        const d = decodeServerMessage(data);
        if (!d.ok) {
          this.o.log("warn", "ignored a message from the server", { reason: d.reason });
          return;
        }
        const m = d.message;
        switch (m.type) {
          case "challenge": {
            if (m.version !== PROTOCOL_VERSION) this.o.log("warn", "the server speaks another protocol version", { server: m.version, agent: PROTOCOL_VERSION });
            const inFlight = [...new Set([...this.o.running(), ...this.o.outbox.flowsWithPending()])].slice(0, 1000);
            this.send({ type: "hello", version: PROTOCOL_VERSION, clientId: this.o.identity.clientId, publicKey: this.o.identity.publicKey, signature: this.o.identity.signHello(m.nonce), token: this.o.token, agent: this.o.agent, inFlight, ...eventTableVersion(this.o) });
            return;
          }
          case "welcome": {
            welcomed = true;
            this.o.outbox.raiseSeq(m.ackedSeq);
            this.o.outbox.ack(m.ackedSeq);
            this.sentUpTo = this.o.outbox.ackedSeq;
            this.connected = true;
            this.isOnline = true;
            this.currentServer = server;
            heartbeat = setInterval(() => this.send({ type: "heartbeat", time: Date.now() }), m.heartbeatMs || LIMITS.heartbeatMs);
            heartbeat.unref?.();
            this.o.log("info", m.enrolled ? "enrolled with the server" : "connected to the server", { clientId: m.clientId, server });
            this.o.onWelcome?.({ enrolled: m.enrolled, ackedSeq: m.ackedSeq, serverPublicKey: m.serverPublicKey });
            this.pump();
            return;
          }
          case "refused":
            refusal = m;
            this.o.log(PERMANENT.has(m.code) ? "error" : "warn", `the server refused this agent: ${m.message}`, { code: m.code, server });
            return;
          case "ack":
            this.o.outbox.ack(m.seq);
            this.pump();
            return;
          case "collect":
            this.o.onCollect(m);
            return;
          case "cancel":
            this.o.onCancel(m);
            return;
          case "kill":
            this.o.log("warn", "the server killed this agent (killkillkill): exiting", { reason: m.reason, server });
            this.killed = m.reason ? { reason: m.reason } : {};
            this.stop();
            return;
          case "event-table":
            this.o.onEventTable?.(m);
            return;
          default:
            assertNever(m);
        }
      });
      ws.on("error", (err) => {
        if (!this.stopped) this.o.log("warn", "connection to the server failed", { error: err.message, server });
      });
      ws.on("close", (code, reason) => {
        clearInterval(heartbeat);
        this.connected = false;
        this.isOnline = false;
        this.currentServer = undefined;
        if (this.ws === ws) this.ws = undefined;
        if (welcomed && !this.stopped) this.o.log("warn", "disconnected from the server", { code, reason: reason.toString(), server });
        resolve(refusal ? { kind: "refused", refusal } : { kind: welcomed ? "welcomed" : "failed" });
      });
    });
  }
}
