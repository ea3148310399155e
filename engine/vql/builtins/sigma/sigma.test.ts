// sigma() and sigma_log_sources(): expected values from Velociraptor's documented behaviour
// (docs.velociraptor.app vql_reference sigma, its sigma test cases in vql/sigma) and the Sigma
// specification (modifiers, wildcards, conditions), never from this implementation's output.
import { describe, expect, it } from "vitest";
import { collect } from "../../eval/testing";
import { OrderedDict } from "../../values/ordered-dict";

const d = (o: Record<string, unknown>) => OrderedDict.fromObject(o);
const EVENTS = [d({ Foo: "Bar", Integer: 4, List: [1, 2, 3], Dict: d({ X: 1, Y: 2 }), Baz: "Hello" }), d({ System: d({ EventID: 2 }) })];

/** Runs `rules` over `events` from the `*\/windows/application` log source. */
async function sigma(rules: string, opts: { events?: unknown[]; mapping?: Record<string, string>; extra?: string; source?: string } = {}) {
  const vql = `
    LET Sources <= sigma_log_sources(\`${opts.source ?? "*/windows/application"}\`={ SELECT * FROM foreach(row=Events) })
    SELECT * FROM sigma(rules=Rules, log_sources=Sources, field_mapping=Mapping ${opts.extra ?? ""})`;
  const r = await collect(vql, { env: { Events: opts.events ?? EVENTS, Rules: [rules], Mapping: d(opts.mapping ?? {}), ScopeVar: "I'm a scope var:" } });
  return { rows: r.rows.map((x) => JSON.parse(x) as Record<string, unknown>), logs: r.logs };
}

const rule = (detection: string, extra = "") => `
title: T
logsource:
  product: windows
  service: application
${extra}
detection:
${detection}
`;

describe("sigma()", () => {
  it("emits the matching event with _Rule, _Match and Details (NULL without details)", async () => {
    const { rows } = await sigma(rule("  selection:\n    Foo: Bar\n  condition: selection"));
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    expect(r.Foo).toBe("Bar");
    expect(r.Baz).toBe("Hello");
    expect(r._Match).toEqual({ match: true, search_results: { selection: true }, condition_results: [true] });
    expect((r._Rule as Record<string, unknown>).Title).toBe("T");
    expect((r._Rule as Record<string, unknown>).Logsource).toEqual({ Product: "windows", Service: "application" });
    expect(r.Details).toBeNull();
  });

  it("compares case-insensitively; numbers as their text; fields through the field mapping", async () => {
    expect((await sigma(rule("  selection:\n    Foo: bAR\n    Integer: 4\n  condition: selection"))).rows).toHaveLength(1);
    expect((await sigma(rule("  selection:\n    EID: 2\n  condition: selection"), { mapping: { EID: "x=>x.System.EventID" } })).rows.map((r) => r.System)).toEqual([{ EventID: 2 }]);
  });

  it("interpolates %Field% in details (lists and dicts as JSON, Data[n] counts from 1, missing is empty)", async () => {
    const { rows } = await sigma(rule("  selection:\n    Foo: Bar\n  condition: selection", "details: Foo=%Foo% Int=%Integer% List=%List% Dict=%Dict% Second=%List[2]% Out=%List[9]%"));
    expect(rows[0]!.Details).toBe('Foo=Bar Int=4 List=[1,2,3] Dict={"X":1,"Y":2} Second=2 Out=');
    expect((rows[0]!._Rule as Record<string, Record<string, unknown>>).AdditionalFields!.details).toContain("%Foo%");
  });

  it("default_details is a lambda with the scope, its text interpolated", async () => {
    const { rows } = await sigma(rule("  selection:\n    Foo: Bar\n  condition: selection"), { extra: `, default_details="x=>ScopeVar + 'Default Detail Foo=%Foo%'"` });
    expect(rows[0]!.Details).toBe("I'm a scope var:Default Detail Foo=Bar");
  });

  it("re is case-insensitive; and/or/not combine searches", async () => {
    const both = rule("  selection:\n    Foo|re: b.r\n  selection2:\n    Baz|re: h.+lo\n  condition: selection and selection2");
    expect((await sigma(both)).rows).toHaveLength(1);
    const or = await sigma(rule("  selection:\n    Foo|re: b.r\n  selection2:\n    Baz|re: something\n  condition: selection or selection2"));
    expect(or.rows[0]!._Match).toEqual({ match: true, search_results: { selection: true, selection2: false }, condition_results: [true] });
    expect((await sigma(rule("  selection:\n    Foo|re: b.r\n  selection2:\n    Baz: Hello\n  condition: selection and not selection2"))).rows).toHaveLength(0);
  });

  it("a missing condition means the search itself; null matches a missing field", async () => {
    expect((await sigma(rule("  selection:\n    Foo: bar"))).rows).toHaveLength(1);
    const nul = await sigma(rule("  selection:\n    Foo: null\n    Bar: 1\n  condition: selection"), { events: [d({ Bar: 1 }), d({ Foo: "x", Bar: 1 })] });
    expect(nul.rows).toEqual([expect.objectContaining({ Bar: 1 })]);
    expect(nul.rows[0]!.Foo).toBeUndefined();
  });

  it("an unknown modifier skips the rule with a logged reason", async () => {
    const { rows, logs } = await sigma(rule("  selection:\n    Foo|somemodifier: XXXX\n  condition: selection"));
    expect(rows).toEqual([]);
    expect(logs.join("\n")).toMatch(/unknown modifier somemodifier/);
  });

  it("modifiers: contains/all, startswith, endswith, gt/gte/lt/lte, cidr, re|all, wildcards", async () => {
    const ev = [d({ uri: "https://1.2.3.4/ecp/default.aspx?__VIEWSTATEGENERATOR=1&__VIEWSTATE=2", ip1: "192.1.10.1", ip2: "192.168.0.2", f: "needle is a needle", n: 15, img: "C:\\Windows\\System32\\cmd.exe" })];
    const checks: [string, boolean][] = [
      ["uri|contains|all:\n      - '/ecp/default.aspx'\n      - '__VIEWSTATEGENERATOR='\n      - '__VIEWSTATE='", true],
      ["f|contains|all:\n      - needle\n      - haystack", false],
      ["f|contains:\n      - needle\n      - haystack", true],
      ["f|startswith: NEEDLE", true],
      ["f|endswith: needle", true],
      ["f|endswith: is a", false],
      ["n|gt: 15", false],
      ["n|gte: 15", true],
      ["n|lt: 15", false],
      ["n|lte: 15", true],
      ["ip1|cidr: 192.0.0.0/8", true],
      ["ip2|cidr:\n      - 10.0.0.0/8\n      - 192.168.0.0/23", true],
      ["ip2|cidr: 192.169.0.0/16", false],
      ["f|re|all:\n      - '.*needle$'\n      - is a", true],
      ["f|re|all:\n      - '.*needle$'\n      - foobar", false],
      ["img: '*\\cmd.exe'", true],
      // Sigma's escapes: `\\*` is a backslash then a wildcard, `\*` a literal asterisk.
      ["img: 'c:\\windows\\\\*\\CMD.EXE'", true],
      ["img: 'c:\\windows\\*\\CMD.EXE'", false],
      ["img: '*\\powershell.exe'", false],
      ["img: 'C:\\Windows\\System3?\\cmd.exe'", true],
      ["f|exists: true", true],
      ["missing|exists: true", false],
    ];
    for (const [field, want] of checks) {
      const { rows, logs } = await sigma(rule(`  s:\n    ${field}\n  condition: s`), { events: ev });
      expect({ field, matched: rows.length === 1, logs }).toEqual({ field, matched: want, logs: expect.not.arrayContaining([expect.stringMatching(/^ERROR/)]) });
    }
  });

  it("wide, base64offset and windash (Sigma's encodings of the value)", async () => {
    const wide = Buffer.from("p\0i\0n\0g\0 \0", "latin1").toString("base64");
    const ev = [d({ W: wide, CommandLine: "ping /f \u2015g \u2014h ", B: Buffer.from("ejfjefhellorfriufirtestkdkdg").toString("base64") })];
    const checks: [string, boolean][] = [
      ["W|wide|base64offset|contains: ping", true],
      ["W|wide|base64offset|contains|all:\n      - ping\n      - pong", false],
      ["CommandLine|windash|contains: ' -f '", true],
      ["CommandLine|windash|contains: ' -g '", true],
      ["CommandLine|windash|contains: ' -h '", true],
      ["CommandLine|windash|contains|all:\n      - ' -param-name '\n      - ' -f '", false],
      ["B|base64offset|contains: hello", true],
      ["B|base64offset|contains: test", true],
      ["B|base64offset|contains: velo", false],
      ["B|base64: ejfjefhellorfriufirtestkdkdg", true],
    ];
    for (const [field, want] of checks) {
      const { rows } = await sigma(rule(`  s:\n    ${field}\n  condition: s`), { events: ev });
      expect({ field, matched: rows.length === 1 }).toEqual({ field, matched: want });
    }
  });

  it("conditions: 1 of / all of patterns and them, parentheses, lists of alternatives", async () => {
    const ev = [d({ Foo: 1, Bar: "Baz", Proc: 1 })];
    const det = "  process_creation:\n    Proc: 1\n  selection_1_1:\n    Foo: 1\n  selection_1_2:\n    Bar|contains: B\n  filter:\n    Bar: nope\n";
    const cases: [string, boolean][] = [
      ["process_creation and (all of selection_1_* or all of selection_1_*)", true],
      ["all of selection_*", true],
      ["1 of filter*", false],
      ["all of them", false],
      ["1 of them and not filter", true],
      ["any of selection_* and filter", false],
    ];
    for (const [cond, want] of cases) {
      const { rows, logs } = await sigma(rule(`${det}  condition: '${cond}'`), { events: ev });
      expect({ cond, matched: rows.length === 1, logs: logs.filter((l) => l.startsWith("ERROR")) }).toEqual({ cond, matched: want, logs: [] });
    }
    // A list of maps is any of them; a list of keywords matches anywhere in the event.
    expect((await sigma(rule("  s:\n    - Foo: 2\n    - Bar: baz\n  condition: s"), { events: ev })).rows).toHaveLength(1);
    expect((await sigma(rule("  k:\n    - nothing\n    - BAZ\n  condition: k"), { events: ev })).rows).toHaveLength(1);
  });

  it("a condition naming an undefined search, or a bad regex, is a logged error and the rule is skipped", async () => {
    const a = await sigma(rule("  selection:\n    Foo: Bar\n  condition: selection and other"));
    expect(a.rows).toEqual([]);
    expect(a.logs.join("\n")).toMatch(/ERROR .*condition names other/);
    const b = await sigma(rule("  selection:\n    Foo|re: '(unclosed'\n  condition: selection"));
    expect(b.rows).toEqual([]);
    expect(b.logs.join("\n")).toMatch(/ERROR .*bad regular expression/);
  });

  it("the enrichment extension adds an Enrichment column computed from the match row", async () => {
    const { rows } = await sigma(rule("  s:\n    Foo: Bar\n  condition: s", "details: D %Foo%\nenrichment: x=>x.Details + '/' + x._Rule.Title"));
    expect(rows.map((r) => r.Enrichment)).toEqual(["D Bar/T"]);
  });

  it("the vql extension builds the event; the vql modifier sees Rule and Event", async () => {
    const built = await sigma(rule("  s1:\n    Foo: 1\n  s2:\n    Bar|contains: B\n  condition: s1 and s2", "vql: x=>dict(Foo=1, Bar='Baz')"), { events: [d({})] });
    expect(built.rows.map((r) => [r.Foo, r.Bar])).toEqual([[1, "Baz"]]);
    const mod = await sigma(rule("  s:\n    Foo|vql: x=>x = 'Bar' AND Rule.AdditionalFields.custom = 'C' AND Event.Baz = 'Hello'\n  condition: s", "custom: C"));
    expect(mod.rows).toHaveLength(1);
  });

  it("rules follow only the log sources their logsource matches (`*` = the rule gives none)", async () => {
    const proc = "title: P\nlogsource:\n  category: process_creation\n  product: windows\ndetection:\n  s:\n    Foo: Bar\n  condition: s\n";
    expect((await sigma(proc, { source: "process_creation/windows" })).rows).toHaveLength(1);
    expect((await sigma(proc, { source: "*/windows/application" })).rows).toHaveLength(0);
    expect((await sigma(proc, { source: "process_creation/linux" })).rows).toHaveLength(0);
    // A rule with no category follows a source with one.
    expect((await sigma(rule("  s:\n    Foo: Bar\n  condition: s"), { source: "anything/windows/application" })).rows).toHaveLength(1);
  });

  it("debug emits non-matching events with match false; rule_filter drops rules", async () => {
    const dbg = await sigma(rule("  s:\n    Foo: Bar\n  condition: s"), { extra: ", debug=TRUE" });
    expect(dbg.rows.map((r) => (r._Match as { match: boolean }).match)).toEqual([true, false]);
    const filtered = await sigma(rule("  s:\n    Foo: Bar\n  condition: s", "level: low"), { extra: `, rule_filter="x=>x.Level = 'high'"` });
    expect(filtered.rows).toEqual([]);
  });

  it("several rules over one source, and rules separated by --- in one string", async () => {
    const two = rule("  s:\n    Foo: Bar\n  condition: s") + "\n---\n" + rule("  s:\n    Baz: Hello\n  condition: s").replace("title: T", "title: U");
    const { rows } = await sigma(two);
    expect(rows.map((r) => (r._Rule as { Title: string }).Title).sort()).toEqual(["T", "U"]);
  });

  it("bad YAML is logged with its line:col; a correlation naming no loaded rule is a warning", async () => {
    const bad = await sigma("title: [unclosed\n");
    expect(bad.logs.join("\n")).toMatch(/ERROR .*sigma: rule 1 at \d+:\d+: Flow sequence/);
    const corr = await sigma("title: C\ncorrelation:\n  type: event_count\n  rules: [x]\n");
    expect(corr.logs.join("\n")).toMatch(/WARN .*Correlation C: References missing rule x/);
  });

  it("sigma_log_sources refuses a value that is not a query", async () => {
    const r = await collect("SELECT sigma_log_sources(`a/b/c`='text') AS X FROM scope()");
    expect(r.rows).toEqual(['{"X":null}']);
    expect(r.logs.join()).toMatch(/log provider for a\/b\/c must be a query/);
  });
});
