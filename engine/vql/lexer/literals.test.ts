import { describe, expect, it } from "vitest";
import { decodeNumber, decodeString, formatGoFloat, formatNumberLiteral, splitDotted, unquoteIdent } from "./literals";

const bytesOf = (raw: string) => [...decodeString(raw).bytes].map((c) => c.charCodeAt(0));

describe("decodeString()", () => {
  it("handles the escapes \\n \\r \\t \\\\ \\' \\\" and keeps other escaped characters without the backslash", () => {
    expect(decodeString(String.raw`'a\nb\tc\rd\\e\'f\"g\zh'`).value).toBe("a\nb\tc\rd\\e'f\"gzh");
  });

  it("decodes \\xHH as one raw byte, not a UTF-8 encoded code point", () => {
    const d = decodeString(String.raw`"\x01\x02\xf0\xf1"`);
    expect(bytesOf(String.raw`"\x01\x02\xf0\xf1"`)).toEqual([1, 2, 0xf0, 0xf1]);
    expect(d.isUtf8).toBe(false);
    expect(decodeString(String.raw`'\X41'`).value).toBe("A");
  });

  it("keeps UTF-8 source text as its bytes", () => {
    const d = decodeString("'héllo'");
    expect(d.value).toBe("héllo");
    expect(d.bytes.length).toBe(6);
    expect(d.isUtf8).toBe(true);
  });

  it("ends the string at a lone trailing backslash or a truncated \\x", () => {
    expect(decodeString("'ab\\'").value).toBe("ab");
    expect(decodeString(String.raw`'ab\x4'`).value).toBe("ab");
  });

  it("copies an invalid hex escape through vfilter's output-index quirk", () => {
    expect(decodeString(String.raw`'\xag'`).value).toBe("\\xag");
    // After one escape the output index lags the input index, so vfilter copies input[1] ("n")
    // instead of the backslash, then continues with "xzz".
    expect(decodeString(String.raw`'\n\xzz'`).value).toBe("\nnxzz");
  });

  it("does no escape processing in '''raw''' strings", () => {
    expect(decodeString("'''a\\nb\n'c'''").value).toBe("a\\nb\n'c");
    expect(decodeString("'''x'''").quote).toBe("'''");
  });
});

describe("unquoteIdent()", () => {
  it("returns plain names unchanged and strips backticks", () => {
    expect(unquoteIdent("Foo")).toBe("Foo");
    expect(unquoteIdent("`a b`")).toBe("a b");
  });

  it("interprets Go escapes inside backticks", () => {
    expect(unquoteIdent("`a\\nb`")).toBe("a\nb");
    expect(unquoteIdent("`\\x41\\u00e9\\101`")).toBe("Aé" + "A");
  });

  it("returns the undecoded remainder on a bad escape, as vfilter does", () => {
    expect(unquoteIdent("`ab\\qc`")).toBe("\\qc");
  });
});

describe("decodeNumber()", () => {
  it("parses int64 in decimal, hex and leading-zero octal", () => {
    expect(decodeNumber("0x10")).toEqual({ value: 16, isInt: true, ok: true });
    expect(decodeNumber("070")).toEqual({ value: 56, isInt: true, ok: true });
    expect(decodeNumber("-0x10")).toEqual({ value: -16, isInt: true, ok: true });
    expect(decodeNumber("-4")).toEqual({ value: -4, isInt: true, ok: true });
  });

  it("falls back to float64 for invalid octal, fractions, exponents and int64 overflow", () => {
    expect(decodeNumber("08")).toEqual({ value: 8, isInt: false, ok: true });
    expect(decodeNumber("1e3")).toEqual({ value: 1000, isInt: false, ok: true });
    expect(decodeNumber(".5")).toEqual({ value: 0.5, isInt: false, ok: true });
    expect(decodeNumber("9223372036854775808")).toMatchObject({ isInt: false, ok: true });
  });

  it("keeps the exact text of int64 values beyond the JS safe range", () => {
    expect(decodeNumber("9223372036854775807")).toMatchObject({ isInt: true, int64: "9223372036854775807" });
    expect(decodeNumber("-9223372036854775808")).toMatchObject({ isInt: true, int64: "-9223372036854775808" });
  });

  it("marks values that are neither int64 nor finite floats", () => {
    expect(decodeNumber("0xFFFFFFFFFFFFFFFFFF").ok).toBe(false);
    expect(decodeNumber("1e400").ok).toBe(false);
  });
});

describe("number printing", () => {
  it("prints floats like Go's FormatFloat(f, 'f', -1, 64)", () => {
    expect(formatGoFloat(1e21)).toBe("1000000000000000000000");
    expect(formatGoFloat(1e-7)).toBe("0.0000001");
    expect(formatGoFloat(12.232)).toBe("12.232");
    expect(formatGoFloat(-0)).toBe("-0");
    expect(formatGoFloat(1.5e-10)).toBe("0.00000000015");
  });

  it("always gives floats a decimal point and ints none", () => {
    expect(formatNumberLiteral(1000, false)).toBe("1000.0");
    expect(formatNumberLiteral(8, false)).toBe("8.0");
    expect(formatNumberLiteral(16, true)).toBe("16");
    expect(formatNumberLiteral(0.25, false)).toBe("0.25");
  });
});

describe("splitDotted()", () => {
  it("splits on dots outside backticks and removes the backticks", () => {
    expect(splitDotted("X.`a.b`.c")).toEqual(["X", "a.b", "c"]);
  });
});
