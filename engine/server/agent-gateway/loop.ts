// One agent connection from challenge to close: the hello first (validated, then attached),
// then flow messages handed to the flows service in arrival order and acknowledged once stored.
// A malformed, oversized or too-frequent message closes this connection only, with the reason
// logged; the agent's outbox resends whatever was not acknowledged. Until its hello arrives a
// socket holds an admission slot and has helloTimeoutMs; until it is accepted it may send
// LIMITS.preHelloBytes. Past either it is dropped (not closed politely: the peer may be
// mid-frame, and ws would wait 30 s for a close handshake).
// Log lines carry ids, codes and reasons, never message content.
import type { IncomingMessage } from "node:http";
import { randomBytes } from "node:crypto";
import type { WebSocket } from "ws";
import { assertNever, LIMITS, PROTOCOL_VERSION, type AgentToServer, type RawFrame } from "../../protocol";
import type { AgentIngress, Logger } from "@/engine/server/contracts";
import { errorFields } from "@/engine/server/log";
import type { Admission } from "./admission";
import { decodeFrame, frameSize, sendTo } from "./codec";
import { attachAgent } from "./connect";
import type { AgentSession, PresenceRegistry } from "./presence";
import { TokenBucket } from "./rate-limit";
import { validateHello } from "./validate";

export interface GatewayDeps {
  presence: PresenceRegistry;
  ingress: AgentIngress;
  log: Logger;
  serverVersion: string;
  heartbeatMs: number;
  /** The crypto files public key (SPKI base64) sent in every welcome; absent: none is sent. */
  serverPublicKey?: string;
  /** Slots of sockets that have not said hello (see admission.ts). */
  admission: Admission;
  /** Overrides (configuration and tests). */
  limits?: Partial<Record<keyof typeof LIMITS, number>>;
}

/** Unstored messages per connection above which the socket stops being read. */
const PAUSE_AT = 64;
const RESUME_AT = 16;

export function handleAgentConnection(ws: WebSocket, req: IncomingMessage, deps: GatewayDeps): void {
  const limits = { ...LIMITS, ...deps.limits };
  const ip = req.socket.remoteAddress ?? "";
  const admitted = deps.admission.slotFor(req);
  if (!admitted) {
    ws.terminate();
    return;
  }
  const slot = admitted;
  const nonce = randomBytes(24).toString("base64url");
  const messages = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
  const bytes = new TokenBucket(limits.bytesPerSecond, limits.byteBurst);
  let session: AgentSession | undefined;
  let state: "hello" | "validating" | "open" | "closed" = "hello";
  let unstored = 0;
  let paused = false;
  let chain: Promise<void> = Promise.resolve();

  const who = () => ({ clientId: session?.clientId ?? "(before hello)", ip });

  function close(code: number, reason: string, level: "info" | "warn" = "warn") {
    if (state === "closed") return;
    state = "closed";
    deps.log[level]("agent connection closed", { ...who(), code, reason });
    ws.close(code, reason.slice(0, 120));
    // Before the hello nobody is owed a close handshake: free the socket and its buffers now.
    if (!session) setTimeout(() => ws.terminate(), 200).unref();
  }

  // Bytes on the wire before the hello is accepted, counted as they arrive (ws has no public way
  // to lower maxPayload for one socket, and an unfinished frame is never a message event).
  const socket = req.socket;
  let preHello = 0;
  const countPreHello = (chunk: Buffer) => {
    preHello += chunk.length;
    if (preHello > limits.preHelloBytes && state !== "closed") {
      state = "closed";
      deps.log.warn("agent connection closed", { ...who(), code: 1009, reason: `over ${limits.preHelloBytes} bytes before the hello` });
      ws.terminate();
    }
  };
  socket.on("data", countPreHello);
  const authenticated = () => socket.off("data", countPreHello);

  const helloTimer = setTimeout(() => close(4408, "no hello within the time limit"), limits.helloTimeoutMs);
  sendTo(ws, { type: "challenge", version: PROTOCOL_VERSION, nonce, serverVersion: deps.serverVersion });

  async function onHello(msg: Extract<AgentToServer, { type: "hello" }>) {
    state = "validating";
    clearTimeout(helloTimer);
    slot.release();
    const outcome = await validateHello(msg, nonce, ip, deps.ingress);
    if (ws.readyState !== ws.OPEN) return;
    if (!outcome.ok) {
      deps.log.warn("agent refused", { clientId: msg.clientId, ip, code: outcome.refusal.code, reason: outcome.refusal.message });
      sendTo(ws, outcome.refusal);
      state = "closed";
      ws.close(4001, outcome.refusal.code);
      setTimeout(() => ws.terminate(), 2000).unref();
      return;
    }
    authenticated();
    const attached = attachAgent({ ws, ip, hello: msg, enrolled: outcome.enrolled, ackedSeq: outcome.ackedSeq }, { ...deps, heartbeatMs: deps.heartbeatMs });
    session = attached.session;
    await attached.ready;
    if (state === "validating") state = "open";
    if (outcome.enrolled) deps.log.info("agent enrolled", { clientId: msg.clientId, ip });
  }

  function onFlowMessage(msg: Exclude<AgentToServer, { type: "hello" | "heartbeat" }>) {
    const clientId = session!.clientId;
    // Last seen is batched by the clients service (the ingest writer no longer touches client rows).
    deps.ingress.touch(clientId);
    unstored++;
    if (unstored >= PAUSE_AT && !paused) {
      paused = true;
      ws.pause();
    }
    deps.ingress.receive(clientId, msg).then(
      (seq) => {
        sendTo(ws, { type: "ack", seq });
        settle();
      },
      () => {
        settle();
        close(1011, "the server could not store data; resend later");
      },
    );
  }

  function settle() {
    unstored--;
    if (paused && unstored <= RESUME_AT && state !== "closed") {
      paused = false;
      ws.resume();
    }
  }

  async function onFrame(data: RawFrame) {
    if (state === "closed") return;
    const size = frameSize(data);
    if (!messages.take(1) || !bytes.take(size)) return close(1008, "rate limit exceeded");
    const decoded = decodeFrame(data, limits.maxMessageBytes, limits.maxDepth);
    if (!decoded.ok) return close(1008, decoded.reason);
    const msg = decoded.message;
    if (decoded.refused) deps.log.warn("agent message refused; a log line of its seq says so", { ...who(), seq: "seq" in msg ? msg.seq : undefined, reason: decoded.refused });
    if (session) session.lastMessageAt = Date.now();
    if (state === "hello") {
      if (msg.type !== "hello") return close(1008, `expected hello, got ${msg.type}`);
      return onHello(msg);
    }
    switch (msg.type) {
      case "hello":
        return close(1008, "hello sent twice");
      case "heartbeat":
        deps.ingress.touch(session!.clientId);
        return;
      case "rows":
      case "log":
      case "source-status":
      case "flow-status":
      case "upload":
      case "events":
      case "event-log":
      case "alert":
        return onFlowMessage(msg);
      default:
        return assertNever(msg);
    }
  }

  ws.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (isBinary) return void close(1003, "binary frames are not part of the protocol");
    chain = chain.then(() => onFrame(data)).catch((err) => close(1011, `internal error: ${errorFields(err).error}`));
  });
  ws.on("error", (err: Error & { code?: string }) => {
    // ws reports an oversized frame here (and closes with 1009) before any message event.
    const reason = err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" ? `message over the limit of ${limits.maxMessageBytes} bytes` : err.message;
    if (state !== "closed") deps.log.warn("agent connection closed", { ...who(), code: 1009, reason });
    state = "closed";
  });
  ws.on("close", () => {
    clearTimeout(helloTimer);
    authenticated();
    slot.release();
    if (session) deps.presence.detach(session);
    state = "closed";
  });
}
