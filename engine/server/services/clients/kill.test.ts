// startClientKill() with stand-in presence, journal and audit: where the kill goes (this
// process's socket, else Server.Internal.ClientScheduled for the process holding it), that an
// offline client is a conflict, that MACHINE_STATE is required, and the audit record.
import { describe, expect, it } from "vitest";
import { permissionsOf } from "@/engine/server/auth/roles";
import { CLIENT_SCHEDULED_QUEUE, ServiceError, type Principal } from "@/engine/server/contracts";
import { startClientKill } from "./kill";

const as = (role: string): Principal => ({ userId: role, username: role, role, permissions: permissionsOf(role), via: "session" });
const ID = "C.1234567890abcdef";

function setup(where: "here" | "elsewhere" | "offline") {
  const sent: unknown[] = [];
  const appended: unknown[] = [];
  const audited: unknown[] = [];
  const deps = {
    audit: { record: async (actor: Principal, operation: string, details: unknown) => void audited.push([actor.username, operation, details]) },
    journal: { appendFor: async (queue: string, rows: unknown[]) => void appended.push([queue, rows]) },
    presence: {
      sendLocal: (clientId: string, m: unknown) => (where === "here" ? (sent.push([clientId, m]), true) : false),
      online: async (ids: string[]) => new Set(where === "elsewhere" ? ids : []),
    },
  };
  const kill = startClientKill(deps as never, async (id) => {
    if (id !== ID) throw new ServiceError("not_found", `no client ${id}`);
  });
  return { kill, sent, appended, audited };
}

describe("clients.kill()", () => {
  it("sends the kill on this process's socket, and audits it", async () => {
    const t = setup("here");
    await t.kill(as("administrator"), ID);
    expect(t.sent).toEqual([[ID, { type: "kill", reason: "killkillkill() by administrator" }]]);
    expect(t.appended).toEqual([]);
    expect(t.audited).toEqual([["administrator", "killkillkill", { client_id: ID }]]);
  });

  it("passes it to the process holding the agent through Server.Internal.ClientScheduled", async () => {
    const t = setup("elsewhere");
    await t.kill(as("administrator"), ID);
    expect(t.appended).toEqual([[CLIENT_SCHEDULED_QUEUE, [{ clientId: ID, row: { ClientId: ID, Kill: "killkillkill() by administrator" } }]]]);
  });

  it("an offline client is a conflict; an unknown one not_found; without MACHINE_STATE forbidden", async () => {
    await expect(setup("offline").kill(as("administrator"), ID)).rejects.toMatchObject({ code: "conflict", message: `client ${ID} is not connected` });
    await expect(setup("here").kill(as("administrator"), "C.0")).rejects.toMatchObject({ code: "not_found" });
    const t = setup("here");
    await expect(t.kill(as("investigator"), ID)).rejects.toMatchObject({ code: "forbidden" });
    expect(t.sent).toEqual([]);
    expect(t.audited).toEqual([]);
  });
});
