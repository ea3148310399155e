// Live co-editing of cell text: one Yjs document per notebook (named by its id) served by
// Hocuspocus on /api/ws/collab. The document holds a map `inputs` (cell id -> Y.Text) and a map
// `versions` (cell id -> the version its text was last set from). Only the server creates or
// replaces texts (on load, cell creation, undo/redo), so two browsers never race to create one.
// Persisted to the database (debounced, and on shutdown) so nothing typed is lost on restart.
// Readers connect read-only; users without access are refused.
import type { IncomingMessage } from "node:http";
import { Hocuspocus, type Document } from "@hocuspocus/server";
import * as Y from "yjs";
import { queries } from "../../../../drizzle";
import type { WsRoute } from "../../ws/router";
import type { Principal } from "../types";
import { canEdit, canRead } from "./access";
import type { NotebooksDeps } from "./deps";
import { isNotebookId } from "./ids";

interface CollabContext {
  principal?: Principal;
}

export interface Collab {
  route: WsRoute;
  /** The live text of a cell, when its notebook's document is open. */
  textOf(notebookId: string, cellId: string): string | undefined;
  /** Sets a cell's text and version marker in the open document (no-op when it is closed). */
  setText(notebookId: string, cellId: string, text: string, version: number): Promise<void>;
  /** Marks that a cell's current text is stored as `version` (after a run or save). */
  markVersion(notebookId: string, cellId: string, version: number): Promise<void>;
  removeCell(notebookId: string, cellId: string): Promise<void>;
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

export function startCollab(deps: NotebooksDeps): Collab {
  const db = deps.database.db;

  async function store(name: string, doc: Y.Doc) {
    try {
      await queries.saveCollabState(db, name, Y.encodeStateAsUpdate(doc), deps.clock.now());
    } catch (err) {
      // A deleted notebook has nothing to store; anything else is worth a log line.
      if (!/foreign key|violates/i.test((err as Error).message)) deps.log.error("collab store failed", { notebook: name, error: (err as Error).message });
    }
  }

  const hocuspocus = new Hocuspocus<CollabContext>({
    quiet: true,
    debounce: 1000,
    maxDebounce: 5000,
    async onAuthenticate({ context, documentName, connectionConfig }) {
      const principal = context.principal;
      if (!principal || !isNotebookId(documentName)) throw new Error("no access");
      const nb = await queries.getNotebookById(db, documentName).catch(() => undefined);
      if (!nb || !canRead(principal, nb)) throw new Error("no access");
      connectionConfig.readOnly = !canEdit(principal, nb);
    },
    async onLoadDocument({ document, documentName }) {
      const state = await queries.loadCollabState(db, documentName);
      if (state) Y.applyUpdate(document, state);
      const cells = await queries.listCellsWithCurrent(db, documentName);
      reconcile(document, cells.map((c) => ({ id: c.cell.id, input: c.version.input, version: c.version.seq })));
      return document;
    },
    async onStoreDocument({ document, documentName }) {
      await store(documentName, document);
    },
  });

  function open(name: string): Document | undefined {
    return hocuspocus.documents.get(name);
  }

  async function edit(name: string, fn: (doc: Y.Doc) => void) {
    if (!open(name)) return;
    const conn = await hocuspocus.openDirectConnection(name, {});
    try {
      await conn.transact(fn);
    } finally {
      await conn.disconnect({ unloadImmediately: false });
    }
  }

  const route: WsRoute = {
    path: "/api/ws/collab",
    auth: "browser",
    maxPayload: 8 * 1024 * 1024,
    onConnection(ws, req: IncomingMessage, principal) {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const conn = hocuspocus.handleConnection(ws, new Request(`http://localhost${req.url ?? "/"}`, { headers }), { principal });
      ws.on("message", (data: Buffer) => conn.handleMessage(new Uint8Array(data)));
      ws.on("close", (code: number, reason: Buffer) => conn.handleClose({ code, reason: reason.toString() } as CloseEvent));
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
    async stop() {
      await Promise.all(Array.from(hocuspocus.documents.entries()).map(([name, doc]) => store(name, doc)));
      hocuspocus.closeConnections();
    },
    documentOf(notebookId) {
      return open(notebookId);
    },
  };
}
