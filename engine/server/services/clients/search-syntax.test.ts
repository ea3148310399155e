import { describe, expect, it } from "vitest";
import { parseClientSearch, toMatch } from "./search-syntax";

const parse = (q: string) => parseClientSearch(q, () => ["C.0000000000000001"]);

describe("client search syntax", () => {
  it("parseClientSearch() reads Velociraptor's verbs into terms", () => {
    expect(parse("host:Web label:Prod")).toEqual({
      ok: true,
      terms: [
        { field: "host", match: { kind: "prefix", value: "web" } },
        { field: "label", match: { kind: "exact", value: "prod" } },
      ],
    });
    expect(parse("label:none")).toEqual({ ok: true, terms: [{ field: "label-none" }] });
    expect(parse("recent:")).toEqual({ ok: true, terms: [{ field: "ids", ids: ["C.0000000000000001"] }] });
    expect(parse("")).toEqual({ ok: true, terms: [{ field: "all" }] });
    expect(parse("department:Accounting")).toEqual({ ok: true, terms: [{ field: "metadata", key: "department", match: { kind: "exact", value: "accounting" } }] });
  });

  it("a quoted value keeps its spaces: label:\"Recent Threat Detection\" is one exact label", () => {
    expect(parse('label:"Recent Threat Detection" os:windows')).toEqual({
      ok: true,
      terms: [
        { field: "label", match: { kind: "exact", value: "recent threat detection" } },
        { field: "os", match: { kind: "prefix", value: "windows" } },
      ],
    });
  });

  it("a bare client id searches ids; a bare word searches hosts, labels and ids", () => {
    expect(parse("C.ABCD")).toEqual({ ok: true, terms: [{ field: "client", match: { kind: "prefix", value: "c.abcd" } }] });
    expect(parse("web")).toEqual({ ok: true, terms: [{ field: "word", match: { kind: "prefix", value: "web" } }] });
  });

  it("globs become LIKE patterns with LIKE's own characters escaped; /.../ is a regex kept as written", () => {
    expect(toMatch("web*_01?", "prefix")).toEqual({ kind: "like", value: "web%\\_01_" });
    expect(toMatch("/^Web-\\d+$/", "prefix")).toEqual({ kind: "regex", value: "^Web-\\d+$" });
    expect(parse("host:/a b/")).toEqual({ ok: true, terms: [{ field: "host", match: { kind: "regex", value: "a b" } }] });
  });

  it("refuses an operator that cannot be a metadata key, and a verb without a value", () => {
    expect(parse("w@t:x")).toEqual({ ok: false, message: "invalid search operator `w@t`" });
    expect(parse("host:")).toEqual({ ok: false, message: "the search term `host:` needs a value after the colon" });
  });
});
