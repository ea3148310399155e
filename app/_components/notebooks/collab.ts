"use client";
// The browser side of live co-editing: one Yjs document per open notebook, synced through
// Hocuspocus on /api/ws/collab (the session cookie authenticates the upgrade), with awareness
// carrying each person's name, colour and the cell they are in.
import { HocuspocusProvider } from "@hocuspocus/provider";
import * as Y from "yjs";

export interface PresenceState {
  clientId: number;
  name: string;
  color: string;
  cell?: string;
}

const COLORS = ["#d9480f", "#2b8a3e", "#1971c2", "#9c36b5", "#e67700", "#0b7285", "#c2255c", "#5f3dc4"];

export function colorFor(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return COLORS[h % COLORS.length]!;
}

export interface CollabSession {
  doc: Y.Doc;
  provider: HocuspocusProvider;
  inputs: Y.Map<Y.Text>;
  setCell(cellId: string | undefined): void;
  presence(): PresenceState[];
  onPresence(fn: () => void): () => void;
  destroy(): void;
}

export function openCollab(notebookId: string, username: string): CollabSession {
  const doc = new Y.Doc();
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/ws/collab`;
  const provider = new HocuspocusProvider({ url, name: notebookId, document: doc, token: "session" });
  const color = colorFor(username);
  provider.awareness?.setLocalStateField("user", { name: username, color });
  return {
    doc,
    provider,
    inputs: doc.getMap<Y.Text>("inputs"),
    setCell(cellId) {
      provider.awareness?.setLocalStateField("cell", cellId ?? null);
    },
    presence() {
      const out: PresenceState[] = [];
      provider.awareness?.getStates().forEach((s, clientId) => {
        const user = s.user as { name?: string; color?: string } | undefined;
        if (user?.name) out.push({ clientId, name: user.name, color: user.color ?? colorFor(user.name), cell: typeof s.cell === "string" ? s.cell : undefined });
      });
      return out;
    },
    onPresence(fn) {
      provider.awareness?.on("change", fn);
      return () => provider.awareness?.off("change", fn);
    },
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}
