// Live co-editing of cell text: one Yjs document per notebook (named by its id) served by
// Hocuspocus on /api/ws/collab. The document holds a map `inputs` (cell id -> Y.Text) and a map
// `versions` (cell id -> the version its text was last set from). Only the server creates or
// replaces texts (on load, cell creation, undo/redo), so two browsers never race to create one.
// Persisted to the database (debounced, and on shutdown) so nothing typed is lost on restart;
// a store merges with what is stored (CRDT merge), so processes storing one document never
// lose each other's edits. Readers connect read-only; users without access are refused.
// Several processes: every document update and awareness change (cursors, presence) made on
// one process is relayed over the cluster bus to the others that have the document open, with
// the origin Hocuspocus uses for updates from another instance ({source: "redis"}), so it is not
// relayed back. A process opening a document does so under a database lock on it: stored
// state, then what the processes that have it open add (asked over the bus), then the texts of
// cells that have none yet, stored before the lock is released, so two processes never create
// two different texts for one cell (Yjs would keep one, and an editor bound to the other would
// lose its edits). For the same reason server-side edits go through a document opened here
// whenever other processes are alive. Access is checked when a document is opened and again on
// every access change (collab-access.ts). Presence names are the session's user name, whatever
// the browser puts in its awareness state; frames are checked before Hocuspocus sees them
// (collab-frames.ts), so a malformed one ends its connection with one log line, no stack trace.
import type { IncomingMessage } from "node:http";
import { randomBytes } from "node:crypto";
import { Hocuspocus, type Document } from "@hocuspocus/server";
import { applyAwarenessUpdate, encodeAwarenessUpdate } from "y-protocols/awareness";
import * as Y from "yjs";
import { queries } from "@/drizzle";
import type { WsRoute } from "@/engine/server/contracts";
import type { WebSocket } from "ws";
import { collabAccess, type CollabConnection, type CollabContext, type CollabSocket } from "./collab-access";
import { collabFrameProblem, withPresenceName } from "./collab-frames";
import { guardedSocket } from "./collab-socket";
import type { NotebooksDeps } from "./deps";

export interface Collab {
  route: WsRoute;
  /** The live text of a cell, when its notebook's document is open. */
  textOf(notebookId: string, cellId: string): string | undefined;
  /** Sets a cell's text and version marker in the open document (no-op when it is closed). */
  setText(notebookId: string, cellId: string, text: string, version: number): Promise<void>;
  /** Marks that a cell's current text is stored as `version` (after a run or save). */
  markVersion(notebookId: string, cellId: string, version: number): Promise<void>;
  removeCell(notebookId: string, cellId: string): Promise<void>;
  /** After a user's access change: that user's sockets here re-resolve their session and re-check each document. */
  recheckUser(userId: string, reason: string): Promise<void>;
  /** After a notebook's sharing changed: every connection to its document here is checked again. */
  recheckDocument(notebookId: string): Promise<void>;
  /** Stores every open document and closes connections. */
  stop(): Promise<void>;
  /** For tests: the server-side document, when open. */
  documentOf(notebookId: string): Y.Doc | undefined;
}

/** Brings a document in line with the stored cells: missing texts created, changed versions replaced. */
function reconcile(doc: Y.Doc, cells: { id: string; input: string; version: number }[]): void {
  const inputs = doc.getMap<Y.Text>("inputs");
  const versions = doc.getMap<number>("versions");
  doc.transact(() => {
    const live = new Set(cells.map((c) => c.id));
    for (const key of Array.from(inputs.keys())) if (!live.has(key)) inputs.delete(key);
    for (const key of Array.from(versions.keys())) if (!live.has(key)) versions.delete(key);
    for (const c of cells) {
      const text = inputs.get(c.id);
      if (!text) {
        inputs.set(c.id, new Y.Text(c.input));
        versions.set(c.id, c.version);
      } else if (versions.get(c.id) !== c.version) {
        if (text.toString() !== c.input) {
          text.delete(0, text.length);
          text.insert(0, c.input);
        }
        versions.set(c.id, c.version);
      }
    }
  });
}

const REMOTE = { source: "redis" } as const;
const SYNC_WAIT_MS = 500;
const b64 = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString("base64");
const bytes = (s: unknown) => (typeof s === "string" ? new Uint8Array(Buffer.from(s, "base64")) : undefined);
const isRemote = (origin: unknown) => typeof origin === "object" && origin !== null && (origin as { source?: unknown }).source === "redis";

export function startCollab(deps: NotebooksDeps): Collab {
  const db = deps.database.db;
  const { bus } = deps;

  async function store(name: string, doc: Y.Doc) {
    try {
      await queries.inTransaction(db, async (tx) => {
        const stored = await queries.loadCollabState(tx, name, { forUpdate: true });
        const mine = Y.encodeStateAsUpdate(doc);
        await queries.saveCollabState(tx, name, stored ? Y.mergeUpdates([stored, mine]) : mine, deps.clock.now());
      });
    } catch (err) {
      // A deleted notebook has nothing to store; anything else is worth a log line.
      if (!/foreign key|violates/i.test((err as Error).message)) deps.log.error("collab store failed", { notebook: name, error: (err as Error).message });
    }
  }

  // Cursors and presence made here go to the other processes; those applied from them
  // (origin REMOTE) do not go back. Hocuspocus 3's awareness hook drops the origin, so the
  // document's awareness is listened to directly, once per loaded document.
  const relayed = new WeakSet<Y.Doc>();
  function relayAwareness(document: Document) {
    if (relayed.has(document)) return;
    relayed.add(document);
    document.awareness.on("update", ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (isRemote(origin)) return;
      const changed = [...added, ...updated, ...removed];
      if (changed.length) bus.broadcast("collab-awareness", { doc: document.name, update: b64(encodeAwarenessUpdate(document.awareness, changed)) });
    });
  }

  const hocuspocus = new Hocuspocus({
    quiet: true,
    debounce: 1000,
    maxDebounce: 5000,
    onAuthenticate: ({ context, documentName, connectionConfig }) => access.authenticate(context as CollabContext, documentName, connectionConfig),
    connected: ({ connection }) => access.connected(connection as CollabConnection),
    async onLoadDocument({ document, documentName }) {
      await queries.inTransaction(db, async (tx) => {
        await queries.lockCollabDocument(tx, documentName);
        const state = await queries.loadCollabState(tx, documentName);
        if (state) Y.applyUpdate(document, state);
        await syncFromPeers(documentName, document);
        const cells = await queries.listCellsWithCurrent(tx, documentName);
        reconcile(document, cells.map((c) => ({ id: c.cell.id, input: c.version.input, version: c.version.seq })));
        const mine = Y.encodeStateAsUpdate(document);
        await queries.saveCollabState(tx, documentName, state ? Y.mergeUpdates([state, mine]) : mine, deps.clock.now());
      });
      relayAwareness(document);
      return document;
    },
    async onStoreDocument({ document, documentName }) {
      await store(documentName, document);
    },
    async onChange({ documentName, update, transactionOrigin }) {
      if (!isRemote(transactionOrigin)) bus.broadcast("collab-update", { doc: documentName, update: b64(update) });
    },
  });

  const access = collabAccess(deps, () => hocuspocus.documents.values());

  // Updates and cursors from the other processes, applied to the documents open here.
  bus.on("collab-update", (m) => {
    const { doc, update } = m as { doc?: string; update?: string };
    const d = doc ? hocuspocus.documents.get(doc) : undefined;
    const u = bytes(update);
    if (d && u?.length) Y.applyUpdate(d, u, REMOTE);
  });
  bus.on("collab-awareness", (m) => {
    const { doc, update } = m as { doc?: string; update?: string };
    const d = doc ? hocuspocus.documents.get(doc) : undefined;
    const u = bytes(update);
    if (d && u?.length) applyAwarenessUpdate(d.awareness, u, REMOTE);
  });
  // A process opening a document asks every other live process for what it lacks, and waits
  // for their answers (each answers, with or without the document open) or half a second.
  const asking = new Map<string, { doc: Document; waiting: Set<string>; done(): void }>();
  function syncFromPeers(name: string, doc: Document): Promise<void> {
    const others = deps.node.liveNodeIds().filter((n) => n !== deps.node.nodeId);
    if (!others.length) return Promise.resolve();
    const req = randomBytes(8).toString("hex");
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), SYNC_WAIT_MS);
      const done = () => {
        clearTimeout(timer);
        asking.delete(req);
        resolve();
      };
      asking.set(req, { doc, waiting: new Set(others), done });
      bus.broadcast("collab-sync", { req, doc: name, sv: b64(Y.encodeStateVector(doc)) });
    });
  }
  bus.on("collab-sync", (m, from) => {
    const { req, doc, sv } = m as { req?: string; doc?: string; sv?: string };
    const d = doc ? hocuspocus.documents.get(doc) : undefined;
    const vector = bytes(sv);
    if (!d || !vector || d.isLoading) return bus.send(from, "collab-sync-answer", { req, doc });
    const states = [...d.awareness.getStates().keys()];
    bus.send(from, "collab-sync-answer", { req, doc, update: b64(Y.encodeStateAsUpdate(d, vector)), sv: b64(Y.encodeStateVector(d)), awareness: states.length ? b64(encodeAwarenessUpdate(d.awareness, states)) : undefined });
  });
  bus.on("collab-sync-answer", (m, from) => {
    const { req, doc, update, sv, awareness } = m as { req?: string; doc?: string; update?: string; sv?: string; awareness?: string };
    const waiting = req ? asking.get(req) : undefined;
    const d = waiting?.doc ?? (doc ? hocuspocus.documents.get(doc) : undefined);
    if (waiting) {
      waiting.waiting.delete(from);
      if (!waiting.waiting.size) queueMicrotask(waiting.done);
    }
    if (!d) return;
    const u = bytes(update);
    if (u?.length) Y.applyUpdate(d, u, REMOTE);
    const a = bytes(awareness);
    if (a?.length) applyAwarenessUpdate(d.awareness, a, REMOTE);
    const vector = bytes(sv);
    if (vector) {
      const back = Y.encodeStateAsUpdate(d, vector);
      // An empty diff is two bytes; only send real content.
      if (back.length > 2) bus.send(from, "collab-update", { doc, update: b64(back) });
    }
  });

  function open(name: string): Document | undefined {
    return hocuspocus.documents.get(name);
  }

  async function edit(name: string, fn: (doc: Y.Doc) => void) {
    // Alone, a document nobody has open is brought up to date when next opened (reconcile);
    // with other processes alive one of them may have it open, so the edit is made here.
    if (!open(name) && !deps.node.liveNodeIds().some((n) => n !== deps.node.nodeId)) return;
    const conn = await hocuspocus.openDirectConnection(name, {});
    try {
      await conn.transact(fn);
    } finally {
      await conn.disconnect();
    }
  }

  const route: WsRoute = {
    path: "/api/ws/collab",
    auth: "browser",
    maxPayload: 8 * 1024 * 1024,
    onConnection(ws, req: IncomingMessage, principal) {
      const socket: CollabSocket = { ws, req: { headers: req.headers }, principal };
      access.add(socket);
      const context: CollabContext = { socket };
      // Hocuspocus reads frames from the socket it is given: it gets a guard that passes on
      // only frames that were checked (and presence renamed).
      const guard = guardedSocket(ws);
      hocuspocus.handleConnection(guard as unknown as WebSocket, req, context);
      let refused = false;
      ws.on("message", (data: Buffer, isBinary: boolean) => {
        if (refused) return;
        const frame = new Uint8Array(data);
        const problem = isBinary ? collabFrameProblem(frame) : "text frames are not part of the protocol";
        if (problem) {
          refused = true;
          deps.log.warn("collaboration frame refused; connection closed", { user: principal?.username, reason: problem, bytes: data.byteLength });
          ws.close(1007, "malformed frame");
          return;
        }
        const name = socket.principal?.username;
        guard.emit("message", Buffer.from(name ? withPresenceName(frame, name) : frame));
      });
      ws.on("close", () => access.remove(socket));
      ws.on("error", () => {});
    },
  };

  return {
    route,
    textOf(notebookId, cellId) {
      return open(notebookId)?.getMap<Y.Text>("inputs").get(cellId)?.toString();
    },
    setText(notebookId, cellId, text, version) {
      return edit(notebookId, (doc) => {
        const inputs = doc.getMap<Y.Text>("inputs");
        let t = inputs.get(cellId);
        if (!t) inputs.set(cellId, (t = new Y.Text()));
        if (t.toString() !== text) {
          t.delete(0, t.length);
          t.insert(0, text);
        }
        doc.getMap<number>("versions").set(cellId, version);
      });
    },
    markVersion(notebookId, cellId, version) {
      return edit(notebookId, (doc) => doc.getMap<number>("versions").set(cellId, version));
    },
    removeCell(notebookId, cellId) {
      return edit(notebookId, (doc) => {
        doc.getMap("inputs").delete(cellId);
        doc.getMap("versions").delete(cellId);
      });
    },
    recheckUser: access.recheckUser,
    recheckDocument: access.recheckDocument,
    async stop() {
      await Promise.all(Array.from(hocuspocus.documents.entries()).map(([name, doc]) => store(name, doc)));
      hocuspocus.closeConnections();
    },
    documentOf(notebookId) {
      return open(notebookId);
    },
  };
}
