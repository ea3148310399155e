// The user messages service on each test database, and through VQL as Server.Monitoring.RSSFeeds
// calls it: user_message() stores a message for an existing user (the dict's key order kept, or
// the free-form keyword arguments as the message), the recipient lists and clears them, the
// message reaches only that user's subscribed sockets, and an unknown user is refused.
import { EventEmitter } from "node:events";
import type { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import { queries, type Database } from "@/drizzle";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "@/engine/vql";
import { permissionsOf } from "../../auth/roles";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { serverBuiltins } from "../../plugins";
import { createUiHub } from "../../ws/ui-hub";
import { messageFields } from "@/app/_components/user-messages/fields";
import type { Bus, Principal, UiHub, UserMessagesService, VqlServices } from "@/engine/server/contracts";
import { startUserMessages } from ".";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const as = (role: string, username = role): Principal => ({ userId: username, username, role, permissions: permissionsOf(role), via: "session" });
const alice = as("administrator", "alice");
const bob = as("reader", "bob");
const quiet = { info() {}, warn() {}, error() {} };
const bus: Bus = { broadcast() {}, send() {}, on: () => () => {} };
const tick = () => new Promise((r) => setTimeout(r, 5));

function socket() {
  const ws = Object.assign(new EventEmitter(), {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    sent: [] as Record<string, unknown>[],
    send(d: string) {
      ws.sent.push(JSON.parse(d));
    },
    close() {
      ws.readyState = 3;
    },
    terminate() {},
  });
  return ws;
}

for (const target of testDatabaseTargets()) {
  describe(`user messages service on ${target.name}`, () => {
    let database: Database;
    let t: TestDeps;
    let hub: UiHub;
    let messages: UserMessagesService;

    beforeAll(async () => {
      database = await target.open();
      t = await testServiceDeps(database);
      hub = createUiHub({ log: quiet, version: "t", bus });
      messages = startUserMessages({ ...t, ui: hub });
      for (const u of ["alice", "bob"]) await queries.createUser(database.db, { id: u, username: u, passwordHash: "x", role: "reader" });
    });
    afterAll(async () => {
      await t?.stop();
      await database?.close();
    });

    async function vql(text: string, principal: Principal = alice) {
      const rows: unknown[] = [];
      const logs: string[] = [];
      const services = { userMessages: messages } as unknown as VqlServices;
      for await (const e of runVql(text, { registry, host: { principal, services }, permissions: principal.permissions })) {
        if (e.kind === "row") rows.push(toJsonValue(e.row));
        if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
      }
      return { rows, logs };
    }

    it("user_message() stores the message for the user, pushes it to that user's sockets only, and returns the user's name", async () => {
      const bobWs = socket();
      const aliceWs = socket();
      hub.route.onConnection(bobWs as unknown as WebSocket, {} as never, bob);
      hub.route.onConnection(aliceWs as unknown as WebSocket, {} as never, alice);
      bobWs.emit("message", JSON.stringify({ type: "subscribe", topic: "messages:bob" }));
      aliceWs.emit("message", JSON.stringify({ type: "subscribe", topic: "messages:bob" }));
      await tick();
      expect(aliceWs.sent.filter((m) => m.type === "error").map((m) => m.topic)).toEqual(["messages:bob"]);
      const { rows, logs } = await vql("SELECT user_message(user='bob', message=dict(Title='Release 0.75', Link='https://docs.velociraptor.app/', `2`='two')) AS User FROM scope()");
      expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
      expect(rows).toEqual([{ User: "bob" }]);
      const pushed = bobWs.sent.filter((m) => m.type === "message");
      expect(pushed).toHaveLength(1);
      expect(pushed[0]).toMatchObject({ topic: "messages:bob", message: { from: "alice", read: false, message: '{"Title":"Release 0.75","Link":"https://docs.velociraptor.app/","2":"two"}' } });
      expect(aliceWs.sent.filter((m) => m.type === "message")).toEqual([]);
    });

    it("without `message` the other keyword arguments are the message", async () => {
      await vql("SELECT user_message(user='bob', Title='<b>hi</b>', Count=3) AS U FROM scope()");
      const { messages: list, unread } = await messages.list(bob);
      expect(unread).toBe(2);
      expect(list[0]!.message).toBe('{"Title":"<b>hi</b>","Count":3}');
      // The header renders fields as text, in the sender's order.
      expect(messageFields(list[0]!.message)).toEqual([
        ["Title", "<b>hi</b>"],
        ["Count", "3"],
      ]);
    });

    it("the recipient alone lists them; markRead() clears the unread count", async () => {
      expect((await messages.list(alice)).messages).toEqual([]);
      await messages.markRead(bob);
      const after = await messages.list(bob);
      expect(after.unread).toBe(0);
      expect(after.messages.map((m) => m.read)).toEqual([true, true]);
    });

    it("an unknown user or a message that is not a dict is an ERROR and NULL", async () => {
      const nobody = await vql("SELECT user_message(user='nobody', message=dict(a=1)) AS U FROM scope()");
      expect(nobody.rows).toEqual([{ U: null }]);
      expect(nobody.logs).toContain("ERROR user_message: no user nobody");
      const bad = await vql("SELECT user_message(user='bob', message='text') AS U FROM scope()");
      expect(bad.rows).toEqual([{ U: null }]);
      expect(bad.logs).toContain("ERROR user_message: message should be a dict");
    });
  });
}
