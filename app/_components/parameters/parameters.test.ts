import { describe, expect, it } from "vitest";
import { formatCsvRecords, parseCsvRecords } from "@/engine/artifacts/csv";
import { leadOf } from "./description";
import { instantToWall, wallToRfc3339 } from "./timestamp";
import { fieldKind, isOn } from "./types";
import { hasParameterProblems, parameterProblem, parameterProblems } from "./validate";

const p = (type: string, extra = {}) => ({ name: "P", type, ...extra });

describe("parameter validation", () => {
  it("accepts whole numbers (decimal or 0x) for int and refuses words; empty is fine (0)", () => {
    expect(parameterProblem(p("int"), "42")).toBe("");
    expect(parameterProblem(p("int64"), "0x1F")).toBe("");
    expect(parameterProblem(p("int"), "")).toBe("");
    expect(parameterProblem(p("int"), "abc")).toBe("not a whole number");
    expect(parameterProblem(p("int"), "1.5")).toBe("not a whole number");
    expect(parameterProblem(p("float"), "1.5e3")).toBe("");
    expect(parameterProblem(p("float"), "x1")).toBe("not a number");
  });

  it("checks regular expressions with RE2 syntax", () => {
    expect(parameterProblem(p("regex"), "(?i)^foo.+bar$")).toBe("");
    expect(parameterProblem(p("regex"), "(")).toMatch(/^invalid regular expression: /);
    // Backreferences and lookahead are not RE2.
    expect(parameterProblem(p("regex"), "(a)\\1")).toMatch(/^invalid regular expression/);
    expect(parameterProblem(p("regex"), "a(?=b)")).toMatch(/^invalid regular expression/);
    expect(parameterProblem(p("regex_array"), '["a", "("]')).toMatch(/^item 2: invalid regular expression/);
  });

  it("checks JSON with the line and column of the error, and that json_array is an array", () => {
    expect(parameterProblem(p("json"), '{"a": [1, 2]}')).toBe("");
    expect(parameterProblem(p("json"), '{\n  "a": 1,\n  oops\n}')).toMatch(/^invalid JSON: .*line 3 column 3/);
    expect(parameterProblem(p("json_array"), '{"a": 1}')).toBe("not a JSON array (write [ ... ])");
    expect(parameterProblem(p("json_array"), '["x"]')).toBe("");
    expect(parameterProblem(p("multichoice"), '["x"]')).toBe("");
  });

  it("checks times: RFC3339, other date forms, epoch numbers", () => {
    expect(parameterProblem(p("timestamp"), "2024-03-01T10:00:00Z")).toBe("");
    expect(parameterProblem(p("timestamp"), "1700000000")).toBe("");
    expect(parameterProblem(p("timestamp"), "")).toBe("");
    expect(parameterProblem(p("timestamp"), "next tuesday")).toMatch(/^not a date and time/);
  });

  it("applies validating_regex", () => {
    expect(parameterProblem(p("", { validatingRegex: "^[0-9]+$" }), "123")).toBe("");
    expect(parameterProblem(p("", { validatingRegex: "^[0-9]+$" }), "12a")).toBe("does not match ^[0-9]+$");
  });

  it("holds only typed values against the user, not untouched defaults", () => {
    const specs = [
      { name: "N", type: "int", default: "oops" },
      { name: "R", type: "regex" },
    ];
    expect(parameterProblems(specs, {})).toEqual({});
    expect(parameterProblems(specs, { R: "(" })).toEqual({ R: expect.stringMatching(/^invalid regular expression/) });
    expect(hasParameterProblems(specs, { N: "abc" })).toBe(true);
    expect(hasParameterProblems(specs, { N: "5" })).toBe(false);
  });
});

describe("field kinds", () => {
  it("follows Velociraptor's type names and aliases; choices lists on text pick from the list", () => {
    expect(fieldKind(p("artifactset"))).toBe("csv");
    expect(fieldKind(p("upload_file"))).toBe("upload");
    expect(fieldKind(p("integer"))).toBe("int");
    expect(fieldKind(p("", { choices: ["a", "b"] }))).toBe("choices");
    expect(fieldKind(p("yara"))).toBe("text");
    expect(isOn("Y")).toBe(true);
    expect(isOn("N")).toBe(false);
    expect(isOn(" Y")).toBe(false);
  });
});

describe("the CSV grid's text", () => {
  it("round-trips records through the engine's reader, quoting what needs it", () => {
    const records = [["Glob", "Note"], ["/etc/hostname", "a, b"], ['say "hi"', "two\nlines"], ["", ""]];
    const text = formatCsvRecords(records);
    expect(text).toBe('Glob,Note\n/etc/hostname,"a, b"\n"say ""hi""","two\nlines"\n,\n');
    expect(parseCsvRecords(text)).toEqual(records);
  });

  it("keeps a one-column row with an empty cell", () => {
    expect(parseCsvRecords(formatCsvRecords([["Glob"], [""]]))).toEqual([["Glob"], [""]]);
  });
});

describe("timestamps in a time zone", () => {
  it("converts a wall-clock time to the RFC3339 instant and back", () => {
    expect(wallToRfc3339("2024-03-01T10:00:00", "UTC")).toBe("2024-03-01T10:00:00Z");
    // Berlin is UTC+1 in winter and UTC+2 in summer.
    expect(wallToRfc3339("2024-01-15T12:00:00", "Europe/Berlin")).toBe("2024-01-15T11:00:00Z");
    expect(wallToRfc3339("2024-07-15T12:00", "Europe/Berlin")).toBe("2024-07-15T10:00:00Z");
    expect(wallToRfc3339("2024-07-15T12:00:00", "America/New_York")).toBe("2024-07-15T16:00:00Z");
    expect(instantToWall(Date.UTC(2024, 6, 15, 10), "Europe/Berlin")).toBe("2024-07-15T12:00:00");
    expect(wallToRfc3339("not a time", "UTC")).toBe("");
  });
});

describe("descriptions", () => {
  it("leads with the first whole sentence", () => {
    expect(leadOf("Globs to search, one per row. Use ** for any depth.")).toBe("Globs to search, one per row.");
    expect(leadOf("One sentence without a stop")).toBe("One sentence without a stop");
    expect(leadOf("If larger than zero we analyze VSS within this many days\nago. (e.g 7 will analyze all VSS).")).toBe("If larger than zero we analyze VSS within this many days ago.");
  });
});
