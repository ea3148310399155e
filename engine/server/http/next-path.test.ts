import { describe, expect, it } from "vitest";
import { safeNextPath } from "./next-path";

describe("safeNextPath()", () => {
  it("keeps same-site paths with their query and fragment", () => {
    expect(safeNextPath("/notebooks/N.1?x=1#c")).toBe("/notebooks/N.1?x=1#c");
    expect(safeNextPath("/")).toBe("/");
    expect(safeNextPath("/clients/C.1/flows")).toBe("/clients/C.1/flows");
  });

  it("refuses what a browser would take off-site (seen: /%09/attacker.invalid/x left the site)", () => {
    for (const v of [
      "/%09/attacker.invalid/x",
      "/\t/attacker.invalid/x",
      "//attacker.invalid/x",
      "/\\attacker.invalid",
      "/%5cattacker.invalid",
      "/%2F/attacker.invalid",
      "https://attacker.invalid/",
      "javascript:alert(1)",
      " /x",
      "x",
      "",
    ]) {
      expect(safeNextPath(v), JSON.stringify(v)).toBe("/");
    }
  });

  it("refuses control characters that cannot go in a Location header (seen: /\\n/x gave a 500)", () => {
    for (const v of ["/\n/x", "/\r\nSet-Cookie: a=b", "/x\u0000", "/%0a/x", "/%0d%0a", "/\u2028x"]) expect(safeNextPath(v), JSON.stringify(v)).toBe("/");
    // Every result is a valid header value.
    expect(() => new Headers({ Location: safeNextPath("/\n/x") })).not.toThrow();
  });

  it("refuses non-strings, bad escapes and very long values", () => {
    expect(safeNextPath(undefined)).toBe("/");
    expect(safeNextPath(["/x"])).toBe("/");
    expect(safeNextPath("/%E0%A4%A")).toBe("/");
    expect(safeNextPath("/" + "a".repeat(3000))).toBe("/");
  });
});
