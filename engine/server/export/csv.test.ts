import { describe, expect, it } from "vitest";
import { csvField, csvFieldWith, neutraliseFormula } from "./csv";

describe("CSV fields for spreadsheets", () => {
  it("prefixes text a spreadsheet would run as a formula with a single quote (OWASP list)", () => {
    expect(csvField("=HYPERLINK(\"http://attacker.invalid\",\"click\")")).toBe(`"'=HYPERLINK(""http://attacker.invalid"",""click"")"`);
    expect(csvField("+1+1")).toBe("'+1+1");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField("@SUM(A1:A9)")).toBe("'@SUM(A1:A9)");
    expect(csvField("\t=1")).toBe("'\t=1");
    expect(csvField("\r=1")).toBe(`"'\r=1"`);
    expect(neutraliseFormula("cmd|' /C calc'!A0")).toBe("cmd|' /C calc'!A0");
  });

  it("leaves ordinary text, numbers and booleans alone and quotes per RFC 4180", () => {
    expect(csvField("host-1")).toBe("host-1");
    expect(csvField("a=b")).toBe("a=b");
    expect(csvField(-5)).toBe("-5");
    expect(csvField(true)).toBe("true");
    expect(csvField(null)).toBe("");
    expect(csvField("a,b")).toBe(`"a,b"`);
    expect(csvField(" x")).toBe(`" x"`);
    expect(csvField({ a: 1 })).toBe(`"{""a"":1}"`);
  });

  it("neutralises an object whose text starts like a formula", () => {
    const field = csvFieldWith(() => "=cmd");
    expect(field({})).toBe("'=cmd");
  });
});
