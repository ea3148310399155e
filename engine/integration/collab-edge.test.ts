// /api/ws/collab under a hostile browser: presence names come from the session, not from the
// awareness state the browser sends (seen: a reader appeared as "admin"), and malformed frames
// end their connection with one log line and no stack trace (Hocuspocus prints one per frame).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { testDatabaseTargets } from "@/drizzle/testing";
import { SESSION_COOKIE } from "../server/http/gate";
import { SYSTEM_PRINCIPAL } from "../server/services/accounts";
import type { Document } from "@hocuspocus/server";
import type { Collab } from "../server/services/notebooks/collab";
import { startTestServer, waitFor, type TestServer } from "./harness";

// lib0 encoding, as the Hocuspocus provider writes it.
function varUint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push(0x80 | (n & 0x7f));
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const varBytes = (b: Uint8Array | number[]) => [...varUint(b.length), ...b];
const varString = (s: string) => varBytes(new TextEncoder().encode(s));
const frame = (...parts: number[][]) => Buffer.from(parts.flat());

const authFrame = (doc: string) => frame(varString(doc), varUint(2), varUint(0), varString(""));
function awarenessFrame(doc: string, clientId: number, state: unknown): Buffer {
  const update = [...varUint(1), ...varUint(clientId), ...varUint(1), ...varString(JSON.stringify(state))];
  return frame(varString(doc), varUint(1), varBytes(update));
}

for (const target of testDatabaseTargets()) {
  describe(`collaboration socket edge (${target.name})`, () => {
    let s: TestServer;
    let readerToken: string;
    let notebookId: string;
    let collab: Collab;

    beforeAll(async () => {
      s = await startTestServer({ database: await target.open() });
      await s.engine.accounts.createUser(SYSTEM_PRINCIPAL, { username: "rita", password: "rita-reader-password", role: "reader" });
      const signed = await s.engine.accounts.signIn("rita", "rita-reader-password", { userAgent: "test", ip: "127.0.0.1" });
      if (!signed.ok) throw new Error(signed.reason);
      readerToken = signed.token;
      const nb = await s.engine.notebooks.create(SYSTEM_PRINCIPAL, { name: "Shared" });
      await s.engine.notebooks.update(SYSTEM_PRINCIPAL, nb.id, { collaborators: ["rita"] });
      notebookId = nb.id;
      collab = (s.engine.notebooks as unknown as { collab: Collab }).collab;
    });
    afterAll(async () => {
      await s?.close();
    });

    /** A signed-in reader's socket, authenticated for the notebook's document. */
    async function readerSocket() {
      const ws = new WebSocket(`${s.url.replace("http", "ws")}/api/ws/collab`, { headers: { cookie: `${SESSION_COOKIE}=${readerToken}`, origin: s.url } });
      const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
      const authenticated = new Promise<void>((resolve) =>
        ws.on("message", (d: Buffer) => {
          // [doc name][2 = auth][2 = authenticated]...
          const nameLen = d[0]!;
          if (d[1 + nameLen] === 2 && d[2 + nameLen] === 2) resolve();
        }),
      );
      await new Promise((resolve, reject) => {
        ws.once("open", resolve);
        ws.once("error", reject);
      });
      ws.send(authFrame(notebookId));
      await authenticated;
      return { ws, closed };
    }

    it("a reader who says they are admin appears under their own name", async () => {
      const { ws } = await readerSocket();
      ws.send(awarenessFrame(notebookId, 4242, { user: { name: "admin", color: "#ff0000" }, cell: null }));
      const state = await waitFor(() => (collab.documentOf(notebookId) as Document | undefined)?.awareness.getStates().get(4242), "the reader's awareness state");
      expect(state.user).toEqual({ name: "rita", color: "#ff0000" });
      // A state without a user, or with a bogus colour, still gets the session's name.
      ws.send(awarenessFrame(notebookId, 4243, { cell: "NC.x", user: { name: "system", color: "red;background:url(x)" } }));
      const other = await waitFor(() => (collab.documentOf(notebookId) as Document | undefined)?.awareness.getStates().get(4243), "the second state");
      expect(other).toEqual({ cell: "NC.x", user: { name: "rita" } });
      ws.close();
    });

    it("malformed frames close their connection with one log line each and nothing on the console", async () => {
      const consoleError = vi.spyOn(console, "error");
      const consoleWarn = vi.spyOn(console, "warn");
      try {
        const bad: Array<[string, Buffer | string]> = [
          ["random bytes", Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])],
          ["a truncated awareness update", frame(varString(notebookId), varUint(1), varUint(40), [1, 2])],
          ["an awareness state that is not JSON", frame(varString(notebookId), varUint(1), varBytes([...varUint(1), ...varUint(7), ...varUint(1), ...varString("{not json")]))],
          ["a garbage document update", frame(varString(notebookId), varUint(0), varUint(2), varBytes([0xff, 0xff, 0xff, 0xff, 0x0f, 0x99, 0x01]))],
          ["an unknown sync step", frame(varString(notebookId), varUint(0), varUint(9), varBytes([0]))],
          ["an unknown message type", frame(varString(notebookId), varUint(42))],
          ["a server-only message type", frame(varString(notebookId), varUint(6), varString("x"))],
          ["a text frame", "hello"],
        ];
        for (const [what, data] of bad) {
          const before = s.logs.length;
          const { ws, closed } = await readerSocket();
          ws.send(data);
          ws.send(data); // a second bad frame adds nothing
          expect(await closed, what).toBe(1007);
          const lines = s.logs.slice(before).filter((l) => l.includes("collaboration frame refused"));
          expect(lines, what).toHaveLength(1);
          expect(lines[0], what).toContain('"user":"rita"');
          expect(lines[0], what).not.toMatch(/\n\s+at /);
        }
        expect(consoleError).not.toHaveBeenCalled();
        expect(consoleWarn).not.toHaveBeenCalled();
      } finally {
        consoleError.mockRestore();
        consoleWarn.mockRestore();
      }
    });

    it("well-formed frames still pass: a sync step and an awareness update", async () => {
      const { ws, closed } = await readerSocket();
      ws.send(frame(varString(notebookId), varUint(0), varUint(0), varBytes([0])));
      ws.send(awarenessFrame(notebookId, 5151, { user: { name: "rita" } }));
      await waitFor(() => (collab.documentOf(notebookId) as Document | undefined)?.awareness.getStates().get(5151), "the third state");
      ws.close();
      expect(await closed).not.toBe(1007);
    });
  });
}
