// The browser-facing channels' contract: WebSocket routes the HTTP server mounts, and the live
// topic hub on /api/ws/ui. A message published on one process reaches the subscribers of every
// process (relayed over the cluster bus); publishLocal() reaches this process's only, for
// publishers that already run on every process (journal subscribers). Access changes re-check
// open subscriptions (contracts/access.ts).
import type { IncomingMessage } from "node:http";
import type { WebSocket } from "ws";
import type { Principal } from "./common";

export interface WsRoute {
  path: string;
  /** "browser": session cookie + Origin check before the upgrade; "agent": the handler authenticates. */
  auth: "browser" | "agent";
  /** Largest message accepted, in bytes; bigger ones close the socket (code 1009). */
  maxPayload: number;
  onConnection(ws: WebSocket, req: IncomingMessage, principal: Principal | undefined): void;
  /**
   * Called just before the upgrade (synchronously with onConnection): a refusal is answered with
   * its HTTP status and no WebSocket is made. The agent gateway caps sockets that have not said
   * hello this way.
   */
  admit?(req: IncomingMessage): { status: number; reason: string } | undefined;
}

export type TopicAuthorizer = (principal: Principal, topic: string) => Promise<boolean> | boolean;

export interface UiHub {
  route: WsRoute;
  /** Registers who may subscribe to topics starting with `prefix:`. */
  authorize(prefix: string, check: TopicAuthorizer): void;
  /** To subscribers on every process. */
  publish(topic: string, message: Record<string, unknown>): void;
  /** To subscribers on this process only. */
  publishLocal(topic: string, message: Record<string, unknown>): void;
  /** Number of sockets subscribed to a topic on this process (tests, presence). */
  subscribers(topic: string): number;
  /**
   * After an access change to a user (ws/access-changes.ts): this process's sockets of that user
   * re-resolve their session (closed with 4401 and `reason` when it is gone or the user
   * disabled) and every subscription is checked again with the new principal; those no longer
   * allowed are dropped and the browser is sent {type: "unsubscribed", topic, message}.
   */
  recheckUser(userId: string, reason: string): Promise<void>;
  /** After an access change to what a topic shows: its subscribers here are checked again. */
  recheckTopic(topic: string): Promise<void>;
}

/** What changed on a client, for its live pages (they re-read what they show). */
export type ClientChange = { type: "online"; online: boolean } | { type: "enrolled" } | { type: "interrogated" } | { type: "labels" } | { type: "metadata" };

/** Where services announce endpoint changes to browsers (every process's), see ws/endpoint-topics.ts. */
export interface LiveTopics {
  clientChanged(clientId: string, change: ClientChange): void;
  flowChanged(clientId: string, flowId: string): void;
}
