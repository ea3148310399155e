// resolveAllowed(): one lookup, the answers judged by the policy, the first allowed one returned
// (mail() connects to exactly that address); names and literals refused as http_client's are.
import { describe, expect, it } from "vitest";
import { parseAllowList } from "./policy";
import { resolveAllowed } from "./resolve";

const none = parseAllowList("").policy;
const answers = (...a: string[]) => async () => a.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

describe("resolveAllowed()", () => {
  it("takes a public IP literal without a lookup", async () => {
    const never = async () => {
      throw new Error("looked up");
    };
    expect(await resolveAllowed("8.8.8.10", none, never)).toEqual({ address: "8.8.8.10", family: 4, loopback: false });
    expect(await resolveAllowed("[2001:4860::8888]", none, never)).toEqual({ address: "2001:4860::8888", family: 6, loopback: false });
  });

  it("skips answers the policy refuses and returns the first allowed one", async () => {
    expect(await resolveAllowed("mail.example.org", none, answers("10.0.0.5", "8.8.4.4"))).toEqual({ address: "8.8.4.4", family: 4, loopback: false });
  });

  it("refuses a name whose every answer is refused, naming the first", async () => {
    await expect(resolveAllowed("mail.example.org", none, answers("10.0.0.5", "127.0.0.1"))).rejects.toThrow(
      "refused: mail.example.org resolves to 10.0.0.5 is a private address (allow it with TALON_HTTP_CLIENT_ALLOW)",
    );
  });

  it("allows a listed name or range, and marks loopback", async () => {
    expect(await resolveAllowed("localhost", parseAllowList("localhost").policy, answers("127.0.0.1"))).toEqual({ address: "127.0.0.1", family: 4, loopback: true });
    expect(await resolveAllowed("relay.internal", parseAllowList("10.0.0.0/8").policy, answers("10.1.2.3"))).toEqual({ address: "10.1.2.3", family: 4, loopback: false });
  });

  it("refuses metadata names before any lookup, and reports lookup failures and empty answers", async () => {
    await expect(resolveAllowed("metadata.google.internal", none, answers("8.8.8.8"))).rejects.toMatchObject({ code: "refused" });
    await expect(resolveAllowed("nowhere.example", none, answers())).rejects.toThrow("nowhere.example has no address");
    const failing = async () => {
      throw Object.assign(new Error("x"), { code: "ENOTFOUND" });
    };
    await expect(resolveAllowed("nowhere.example", none, failing)).rejects.toThrow("cannot resolve nowhere.example: ENOTFOUND");
  });
});
