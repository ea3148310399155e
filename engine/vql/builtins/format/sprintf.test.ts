// Expected strings are what Go's fmt.Sprintf prints for the same verbs and values.
import { describe, expect, it } from "vitest";
import { OrderedDict } from "../../values/ordered-dict";
import { Timestamp } from "../../values/timestamp";
import { sprintf } from "./sprintf";

const d = OrderedDict.fromObject({ a: 1 });

describe("sprintf: Go fmt verbs", () => {
  it.each([
    ["%v", [5], "5"],
    ["%v", [1.5], "1.5"],
    ["%v", [1e21], "1e+21"],
    ["%v", [1234567.5], "1.2345675e+06"],
    ["%v", [null], "Null"],
    ["%v|%v", [true, "x"], "true|x"],
    ["%v", [[1, "a", [2]]], "[1 a [2]]"],
    ["%v", [d], '{"a":1}'],
    ["%d", [42], "42"],
    ["%5d|%-5d|%05d|%+d", [42, 42, 42, 42], "   42|42   |00042|+42"],
    ["%x %X %#x %o %#o %b", [255, 255, 255, 8, 8, 5], "ff FF 0xff 10 010 101"],
    ["%x", [-255], "-ff"],
    ["%c%c", [72, 105], "Hi"],
    ["%U", [0x1f600], "U+1F600"],
    ["%08.3f", [3.14159], "0003.142"],
    ["%.2f", [2.675], "2.67"],
    ["%.0f %.0f %.0f", [0.5, 1.5, 2.5], "0 2 2"],
    ["%6.2f|%06.2f", [-1.5, -1.5], " -1.50|-01.50"],
    ["%f", [1], "1.000000"],
    ["%e|%E", [123456.789, 123456.789], "1.234568e+05|1.234568E+05"],
    ["%+.1e", [0], "+0.0e+00"],
    ["%g|%g|%g", [0.00001234, 100000, 1000000], "1.234e-05|100000|1e+06"],
    ["%.3g", [3.14159], "3.14"],
    ["%s|%10s|%-10s|%.1s", ["hi", "hi", "hi", "hi"], "hi|        hi|hi        |h"],
    ["%05s", ["ab"], "000ab"],
    ["%q %q %q", ['a"b', "é\n", 65], '"a\\"b" "é\\n" \'A\''],
    ["%x|% x|%X", ["hi", "hi", "hi"], "6869|68 69|6869"],
    ["%t", [false], "false"],
    ["%T %T %T %T %T %T", [1, 1.5, "x", null, [1], d], "int64 float64 string types.Null []interface {} *ordereddict.Dict"],
    ["%d", [[1, 2]], "[1 2]"],
    ["%x", [[255, 16]], "[ff 10]"],
    ["100%%", [], "100%"],
    ["%[2]d %[1]d", [1, 2], "2 1"],
    ["%*d|%-*d|", [5, 42, 4, 7], "   42|7   |"],
    ["%.*f", [2, 3.14159], "3.14"],
  ] as [string, unknown[], string][])("%s with %j", (f, args, want) => {
    expect(sprintf(f, args)).toBe(want);
  });

  it("renders mismatches inline like Go", () => {
    expect(sprintf("%s", [5])).toBe("%!s(int64=5)");
    expect(sprintf("%d", ["x"])).toBe("%!d(string=x)");
    expect(sprintf("%d", [2.5])).toBe("%!d(float64=2.5)");
    expect(sprintf("%d %d", [1])).toBe("1 %!d(MISSING)");
    expect(sprintf("%d", [1, 2, "x"])).toBe("1%!(EXTRA int64=2, string=x)");
    expect(sprintf("%z", [1])).toBe("%!z(int64=1)");
    expect(sprintf("abc%", [])).toBe("abc%!(NOVERB)");
    expect(sprintf("%!", [])).toBe("%!!(MISSING)");
  });

  it("formats hex of raw bytes and timestamps as RFC3339 strings", () => {
    expect(sprintf("%x", [new Timestamp(0).toString()])).toBe("313937302d30312d30315430303a30303a30305a");
    expect(sprintf("%s", [new Timestamp(1723428985).toString()])).toBe("2024-08-12T02:16:25Z");
  });
});
