import { describe, expect, it } from "vitest";
import { RE2JS } from "re2js";
import { compileRegex, isRegexError, CompiledRegex } from "./compile";
import { expandTemplate, replaceAll, splitRegex } from "./expand";
import { regexMatch } from "./match";
import { toFastRegex } from "./safe";
import { OrderedDict } from "../values/ordered-dict";

function compiled(p: string, ci = false): CompiledRegex {
  const r = compileRegex(p, { caseInsensitive: ci });
  if (isRegexError(r)) throw new Error(r.error);
  return r;
}

describe("=~ (§6.6)", () => {
  const errors: string[] = [];
  const m = (v: unknown, p: unknown) => regexMatch(v, p, (e) => errors.push(e));
  it("is case-insensitive and unanchored; (?-i) makes it case-sensitive", () => {
    expect(m("Hello", "he[lo]+")).toBe(true);
    expect(m("Hello", "^ello")).toBe(false);
    expect(m("Hello", "LLO$")).toBe(true);
    expect(m("Hello", "(?-i)hello")).toBe(false);
    expect(m("Hello", "(?-i)Hello")).toBe(true);
    expect(m("he", "Hello")).toBe(false);
  });
  it("matches arrays, numbers and dicts; match-all patterns match NULL", () => {
    expect(m(["Hello", "World"], "wor")).toBe(true);
    expect(m(15, "^1")).toBe(true);
    expect(m(2.5, "\\.5")).toBe(true);
    expect(m(OrderedDict.fromObject({ Name: "Alice" }), "alice")).toBe(true);
    expect(m(null, ".*")).toBe(true);
    expect(m(null, "x")).toBe(false);
    expect(m("x", 5)).toBe(false);
  });
  it("reports a bad pattern as an error value and FALSE", () => {
    expect(m("x", "(abc")).toBe(false);
    expect(errors.at(-1)).toMatch(/^Compile regexp: .*missing closing \)/);
    expect(isRegexError(compileRegex("a(?=b)"))).toBe(true);
  });
});

describe("Go replacement and split semantics", () => {
  it("expands $1, ${name} and treats $1x as a group named 1x", () => {
    const re = compiled("(?P<first>w)(o)rld", true);
    const rep = (t: string) => replaceAll(re, "Hello World", (mm) => expandTemplate(re, t, "Hello World", mm));
    expect(rep("$1!")).toBe("Hello W!");
    expect(rep("${first}-$2")).toBe("Hello W-o");
    expect(rep("$1x")).toBe("Hello ");
    expect(rep("$$")).toBe("Hello $");
  });
  it("does not replace an empty match right after a match", () => {
    const re = compiled("a*");
    expect(replaceAll(re, "baaac", () => "-")).toBe("-b-c-");
    expect(replaceAll(compiled("x*"), "abc", () => "-")).toBe("-a-b-c-");
  });
  it("splits like regexp.Split(s, -1)", () => {
    expect(splitRegex(compiled(","), "a,b,,c")).toEqual(["a", "b", "", "c"]);
    expect(splitRegex(compiled("[0-9]+"), "a1b22c")).toEqual(["a", "b", "c"]);
    expect(splitRegex(compiled("."), "a.b")).toEqual(["", "", "", ""]);
    expect(splitRegex(compiled(","), "")).toEqual([""]);
  });
});

describe("fast path", () => {
  it("accepts simple patterns and refuses risky or non-portable ones", () => {
    for (const p of ["7$", "(?i)host-\\d+\\.example", "^C:\\\\Windows\\\\.*\\.exe$", "(?i)(foo|bar)?baz", "[a-z0-9_]{3}"]) {
      expect(toFastRegex(p), p).not.toBeNull();
    }
    for (const p of ["(a+)+b", "(a|aa)*", "a*a*", ".*x.*y", "(?i)\\w+", "\\pL", "[[:alpha:]]", "é", "a(?i)b", "(?m)^a", "\\Qa\\E"]) {
      expect(toFastRegex(p), p).toBeNull();
    }
  });
  it("agrees with re2js on generated inputs", () => {
    const patterns = [
      "(?i)7$", "(?i)^ab", "(?i)a.c", "(?i)[^a-c]x", "(?i)k", "(?i)s", "x\\s+y", "(?i)(ab|cd)?e", "(?i)\\d{2,3}-",
      "(?s)a.b", "a.b", "^$", "(?i)[]a]", "(?i)\\.", "(?i)a{2}", "(?i)[\\d.]+z", "\\S+@",
    ];
    const alphabet = ["a", "b", "c", "A", "K", "\u212a", "\u017f", "S", "x", "y", "z", "7", "1", "2", "-", ".", "\n", "\r", " ", "\t", "@", "e", "é", "😀", "]"];
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const p of patterns) {
      const fast = toFastRegex(p);
      expect(fast, p).not.toBeNull();
      const slow = RE2JS.compile(p);
      for (let n = 0; n < 300; n++) {
        let s = "";
        const len = Math.floor(rnd() * 8);
        for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
        expect(fast!.re.test(s), `${p} on ${JSON.stringify(s)}`).toBe(slow.test(s));
      }
    }
  });
});
