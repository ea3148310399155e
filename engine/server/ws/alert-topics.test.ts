// Who may subscribe to the alerts topic.
import { describe, expect, it } from "vitest";
import { permissionsOf } from "../auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { authorizeAlertTopics } from "./alert-topics";
import type { TopicAuthorizer } from "./ui-hub";

const who = (role: string, permissions: Principal["permissions"]): Principal => ({ userId: role, username: role, role, permissions, via: "session" });

async function allowed(p: Principal, topic: string) {
  const authorizers = new Map<string, TopicAuthorizer>();
  authorizeAlertTopics({ authorize: (prefix, check) => void authorizers.set(prefix, check) });
  const check = authorizers.get(topic.split(":")[0]!);
  return check ? Boolean(await check(p, topic)) : false;
}

describe("alert topics", () => {
  it("subscribing to alerts needs READ_RESULTS (readers may, triage is not needed)", async () => {
    expect(await allowed(who("reader", permissionsOf("reader")), "alerts")).toBe(true);
    expect(await allowed(who("investigator", permissionsOf("investigator")), "alerts")).toBe(true);
    expect(await allowed(who("nobody", new Set()), "alerts")).toBe(false);
  });

  it("refuses sub-topics of alerts", async () => {
    expect(await allowed(who("reader", permissionsOf("reader")), "alerts:A.1")).toBe(false);
  });
});
