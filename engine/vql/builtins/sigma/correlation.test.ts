// sigma() correlation rules: expected values worked out from the Sigma correlation specification
// (sigma-specification/specification/sigma-correlation-rules-specification.md: its event_count,
// value_count, temporal and aliases examples, conditions, timespan) and Velociraptor's documented
// row shape (the triggering event with `_MatchingRule`, `_Correlations` and the correlation's
// `_Rule`; its window keeps the events later than the new event's time minus the timespan).
import { describe, expect, it } from "vitest";
import { collect } from "../../eval/testing";
import { OrderedDict } from "../../values/ordered-dict";
import { definePlugin, defineFunction } from "../define";
import { compileCorrelation, Correlator, parseTimespan } from "./correlation";

const d = (o: Record<string, unknown>) => OrderedDict.fromObject(o);

async function sigma(rules: string, events: unknown[], opts: { extra?: string; mapping?: Record<string, string> } = {}) {
  const vql = `
    LET Sources <= sigma_log_sources(\`*/windows/security\`={ SELECT * FROM foreach(row=Events) })
    SELECT * FROM sigma(rules=Rules, log_sources=Sources, field_mapping=Mapping ${opts.extra ?? ""})`;
  const r = await collect(vql, { env: { Events: events, Rules: [rules], Mapping: d(opts.mapping ?? {}) } });
  return { rows: r.rows.map((x) => JSON.parse(x) as Record<string, unknown>), logs: r.logs };
}

const FAILED_LOGON = `
title: Failed logon
name: failed_logon
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4625
  condition: selection
`;

const BRUTE_FORCE = `${FAILED_LOGON}---
title: Multiple failed logons for a single user (possible brute force attack)
correlation:
  type: event_count
  rules:
    - failed_logon
  group-by:
    - TargetUserName
    - TargetDomainName
  timespan: 5m
  condition:
    gte: 3
details: Detected multiple failed logins for %TargetUserName%
level: high
`;

const logon = (time: string, user: string, extra: Record<string, unknown> = {}) =>
  d({ Timestamp: `2024-10-10T${time}+10:00`, EventID: 4625, TargetDomainName: "Domain", TargetUserName: user, ...extra });

describe("sigma() event_count", () => {
  it("two failed logons of a user in 5 minutes are too few for gte: 3; the base rule emits nothing itself", async () => {
    const { rows } = await sigma(BRUTE_FORCE, [logon("12:22:00", "A"), logon("12:23:00", "B"), logon("12:24:00", "A")]);
    expect(rows).toEqual([]);
  });

  it("the third logon of A fires: the triggering event, _MatchingRule, _Correlations in time order, the correlation's _Rule and Details", async () => {
    const { rows } = await sigma(BRUTE_FORCE, [logon("12:22:00", "A"), logon("12:23:00", "B"), logon("12:24:00", "A"), logon("12:25:00", "A")]);
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    expect(Object.keys(r)).toEqual(["Timestamp", "EventID", "TargetDomainName", "TargetUserName", "_MatchingRule", "_Correlations", "_Rule", "Details"]);
    expect(r.Timestamp).toBe("2024-10-10T12:25:00+10:00");
    expect(r._MatchingRule).toBe("Failed logon");
    expect((r._Correlations as Record<string, unknown>[]).map((e) => [e.Timestamp, e.TargetUserName, e._MatchingRule])).toEqual([
      ["2024-10-10T12:22:00+10:00", "A", "Failed logon"],
      ["2024-10-10T12:24:00+10:00", "A", "Failed logon"],
      ["2024-10-10T12:25:00+10:00", "A", "Failed logon"],
    ]);
    const rule = r._Rule as Record<string, unknown>;
    expect(rule.Title).toBe("Multiple failed logons for a single user (possible brute force attack)");
    expect(rule.Level).toBe("high");
    expect(rule.Correlation).toEqual({ type: "event_count", rules: ["failed_logon"], "group-by": ["TargetUserName", "TargetDomainName"], timespan: "5m", condition: { gte: 3 } });
    expect(r.Details).toBe("Detected multiple failed logins for A");
  });

  it("every further match while the window holds enough fires again; events older than the timespan leave it", async () => {
    const ev = ["12:00:00", "12:01:00", "12:02:00", "12:03:00", "12:09:00"].map((t) => logon(t, "A"));
    const { rows } = await sigma(BRUTE_FORCE, ev);
    // 12:02 (3 in window), 12:03 (4); at 12:09 the window (12:04, 12:09] holds one.
    expect(rows.map((r) => [r.Timestamp, (r._Correlations as unknown[]).length])).toEqual([
      ["2024-10-10T12:02:00+10:00", 3],
      ["2024-10-10T12:03:00+10:00", 4],
    ]);
  });

  it("an event exactly one timespan older is out of the window; one a second later is in", async () => {
    const two = BRUTE_FORCE.replace("gte: 3", "gte: 2");
    expect((await sigma(two, [logon("12:00:00", "A"), logon("12:05:00", "A")])).rows).toEqual([]);
    expect((await sigma(two, [logon("12:00:01", "A"), logon("12:05:00", "A")])).rows).toHaveLength(1);
  });

  it("conditions gt, lt, eq, neq and a gt/lte range (each operator must hold) over counts 1..4", async () => {
    const ev = ["12:00:00", "12:01:00", "12:02:00", "12:03:00"].map((t) => logon(t, "A"));
    const cases: [string, number[]][] = [
      ["gt: 2", [3, 4]],
      ["lt: 2", [1]],
      ["eq: 3", [3]],
      ["neq: 2", [1, 3, 4]],
      ["gte: 2\n    lte: 3", [2, 3]],
      ["gt: 1\n    lt: 4", [2, 3]],
    ];
    for (const [cond, want] of cases) {
      const { rows, logs } = await sigma(BRUTE_FORCE.replace("gte: 3", cond), ev);
      expect({ cond, counts: rows.map((r) => (r._Correlations as unknown[]).length), errors: logs.filter((l) => l.startsWith("ERROR")) }).toEqual({ cond, counts: want, errors: [] });
    }
  });

  it("timestamps may be epoch numbers or come through the field mapping", async () => {
    const ev = [0, 60, 120].map((s) => d({ When: 1728526920 + s, EventID: 4625, TargetUserName: "A" }));
    const { rows } = await sigma(BRUTE_FORCE, ev, { mapping: { Timestamp: "x=>x.When" } });
    expect(rows.map((r) => r.When)).toEqual([1728527040]);
  });

  it("the correlation's enrichment lambda sees the match row (its _Correlations) and fills Enrichment", async () => {
    const en = BRUTE_FORCE.replace("level: high", "level: high\nenrichment: x=>len(list=x._Correlations)");
    const { rows } = await sigma(en, [logon("12:22:00", "A"), logon("12:23:00", "A"), logon("12:24:00", "A")]);
    expect(rows.map((r) => [r.Details, r.Enrichment])).toEqual([["Detected multiple failed logins for A", 3]]);
    expect(Object.keys(rows[0]!).slice(-2)).toEqual(["Details", "Enrichment"]);
  });

  it("generate: true also emits the followed rule's own matches", async () => {
    const gen = BRUTE_FORCE.replace("level: high", "level: high\ngenerate: true");
    const { rows } = await sigma(gen, [logon("12:22:00", "A"), logon("12:23:00", "A"), logon("12:24:00", "A")]);
    expect(rows.map((r) => (r._Rule as { Title: string }).Title)).toEqual(["Failed logon", "Failed logon", "Failed logon", "Multiple failed logons for a single user (possible brute force attack)"]);
    expect(rows[0]!._Match).toEqual({ match: true, search_results: { selection: true }, condition_results: [true] });
  });

  it("debug emits the followed rule's non-matches and the matches that did not fire, under the correlation's _Rule", async () => {
    const { rows } = await sigma(BRUTE_FORCE, [logon("12:22:00", "A"), d({ Timestamp: "2024-10-10T12:23:00+10:00", EventID: 1 })], { extra: ", debug=TRUE" });
    expect(rows.map((r) => [(r._Match as { match: boolean }).match, (r._Rule as { Title: string }).Title.slice(0, 8)])).toEqual([
      [false, "Multiple"],
      [false, "Multiple"],
    ]);
  });

  it("an event without a usable Timestamp is not counted, logged once", async () => {
    const ev = [1, 2, 3].map(() => d({ EventID: 4625, TargetUserName: "A" }));
    const { rows, logs } = await sigma(BRUTE_FORCE, ev);
    expect(rows).toEqual([]);
    expect(logs.filter((l) => /Unable to parse timestamp/.test(l))).toHaveLength(1);
  });
});

describe("sigma() value_count", () => {
  // The specification's example: enumeration of 4 high-privilege groups by one user in 15 minutes.
  const ENUM = `
title: High-privilege group enumeration
name: privileged_group_enumeration
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4799
    TargetUserName:
      - Administrators
      - Remote Desktop Users
      - Remote Management Users
      - Distributed COM Users
  condition: selection
---
title: Enumeration of multiple high-privilege groups by tools like BloodHound
correlation:
  type: value_count
  rules:
    - privileged_group_enumeration
  group-by:
    - SubjectUserName
  timespan: 15m
  condition:
    field: TargetUserName
    gte: 4
`;
  const en = (time: string, subject: string, group: string) => d({ Timestamp: `2024-10-10T${time}Z`, EventID: 4799, SubjectUserName: subject, TargetUserName: group });

  it("fires when the fourth distinct group is enumerated by the same user", async () => {
    const ev = [
      en("12:22:00", "admin", "Administrators"),
      en("12:23:00", "admin", "Remote Desktop Users"),
      en("12:23:30", "admin", "Remote Desktop Users"),
      en("12:23:40", "other", "Remote Management Users"),
      en("12:24:00", "admin", "Remote Management Users"),
      en("12:25:00", "admin", "Distributed COM Users"),
    ];
    const { rows } = await sigma(ENUM, ev);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.TargetUserName).toBe("Distributed COM Users");
    // The window holds the user's five matches (a repeated value counts once towards the four).
    expect((rows[0]!._Correlations as { TargetUserName: string }[]).map((e) => e.TargetUserName)).toEqual([
      "Administrators",
      "Remote Desktop Users",
      "Remote Desktop Users",
      "Remote Management Users",
      "Distributed COM Users",
    ]);
  });

  it("three distinct values, or four spread over more than 15 minutes, do not fire", async () => {
    const three = ["Administrators", "Remote Desktop Users", "Remote Management Users", "Administrators"].map((g, i) => en(`12:2${i}:00`, "admin", g));
    expect((await sigma(ENUM, three)).rows).toEqual([]);
    const spread = ["Administrators", "Remote Desktop Users", "Remote Management Users", "Distributed COM Users"].map((g, i) => en(`1${2 + i}:00:00`, "admin", g));
    expect((await sigma(ENUM, spread)).rows).toEqual([]);
  });

  it("requires condition.field", async () => {
    const { rows, logs } = await sigma(ENUM.replace("    field: TargetUserName\n", ""), []);
    expect(rows).toEqual([]);
    expect(logs.join("\n")).toMatch(/ERROR .*value_count rule requires a field in condition clause/);
  });
});

describe("sigma() temporal", () => {
  const TEMPORAL = `
title: Rule1
id: r1
logsource:
  product: windows
  service: security
detection:
  selection_parent:
    ParentImage|endswith: '\\tomcat8.exe'
  condition: all of selection_*
---
title: Rule2
id: r2
logsource:
  product: windows
  service: security
detection:
  selection_method:
    cs-method: POST
  condition: all of selection_*
---
title: Both rules
correlation:
  type: temporal
  rules:
    - r1
    - r2
  timespan: 10m
level: high
`;
  const parent = (time: string) => d({ Timestamp: `2024-10-10T${time}Z`, ParentImage: "C:\\Windows\\tomcat8.exe" });
  const post = (time: string) => d({ Timestamp: `2024-10-10T${time}Z`, "cs-method": "POST" });

  it("fires when both rules have matched within 10 minutes, on the later match", async () => {
    const { rows } = await sigma(TEMPORAL, [parent("12:22:00"), post("12:23:00")]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!._MatchingRule).toBe("Rule2");
    expect((rows[0]!._Correlations as { _MatchingRule: string }[]).map((e) => e._MatchingRule)).toEqual(["Rule1", "Rule2"]);
    expect((rows[0]!._Rule as { Title: string }).Title).toBe("Both rules");
  });

  it("one rule matching repeatedly does not fire; three of one then the other fires with all four", async () => {
    expect((await sigma(TEMPORAL, [parent("12:22:00"), parent("12:23:00"), parent("12:24:00")])).rows).toEqual([]);
    const { rows } = await sigma(TEMPORAL, [parent("12:22:00"), parent("12:23:00"), parent("12:24:00"), post("12:25:00")]);
    expect(rows.map((r) => (r._Correlations as unknown[]).length)).toEqual([4]);
  });

  it("the matches more than the timespan apart do not fire; order does not matter", async () => {
    expect((await sigma(TEMPORAL, [parent("12:22:00"), post("12:35:00")])).rows).toEqual([]);
    expect((await sigma(TEMPORAL, [post("12:22:00"), parent("12:30:00")])).rows).toHaveLength(1);
  });

  it("aliases: group-by names an alias resolved to each rule's own field (the specification's example)", async () => {
    const rules = `
title: Internal error
name: internal_error
logsource:
  product: windows
  service: security
detection:
  selection:
    http.response.status_code: 500
  condition: selection
---
title: New network connection
name: new_network_connection
logsource:
  product: windows
  service: security
detection:
  selection:
    event.category: network
    event.type: connection
    event.outcome: success
  condition: selection
---
title: Error followed by connection
correlation:
  type: temporal
  rules:
    - internal_error
    - new_network_connection
  group-by:
    - internal_ip
    - remote_ip
  timespan: 10s
  aliases:
    internal_ip:
      internal_error: destination.ip
      new_network_connection: source.ip
    remote_ip:
      internal_error: source.ip
      new_network_connection: destination.ip
`;
    const err = (t: string, src: string, dst: string) => d({ Timestamp: `2024-10-10T12:00:0${t}Z`, http: d({ response: d({ status_code: 500 }) }), source: d({ ip: src }), destination: d({ ip: dst }) });
    const conn = (t: string, src: string, dst: string) =>
      d({ Timestamp: `2024-10-10T12:00:0${t}Z`, event: d({ category: "network", type: "connection", outcome: "success" }), source: d({ ip: src }), destination: d({ ip: dst }) });
    // The error is served by 10.0.0.1 to 1.2.3.4; the internal host then connects out to 1.2.3.4.
    expect((await sigma(rules, [err("1", "1.2.3.4", "10.0.0.1"), conn("2", "10.0.0.1", "1.2.3.4")])).rows).toHaveLength(1);
    // The same fields without the aliases' swap belong to different groups.
    expect((await sigma(rules, [err("1", "1.2.3.4", "10.0.0.1"), conn("2", "1.2.3.4", "10.0.0.1")])).rows).toEqual([]);
  });
});

describe("sigma() correlation rules that cannot be used", () => {
  it("temporal_ordered (Velociraptor has no evaluator for it), unknown operators and bad timespans are logged errors; the rule then reports by itself", async () => {
    const base = FAILED_LOGON + "---\ntitle: C\ncorrelation:\n  type: TYPE\n  rules: [failed_logon]\n  timespan: SPAN\n  condition:\n    COND\n";
    const mk = (type: string, span: string, cond: string) => base.replace("TYPE", type).replace("SPAN", span).replace("COND", cond);
    const cases: [string, RegExp][] = [
      [mk("temporal_ordered", "5m", "gte: 1"), /Unsupported correlation type: temporal_ordered/],
      [mk("event_count", "5m", "gtt: 1"), /unsupported correlation condition "gtt"/],
      [mk("event_count", "5 minutes", "gte: 1"), /cannot read timespan/],
    ];
    for (const [rules, re] of cases) {
      const { rows, logs } = await sigma(rules, [logon("12:00:00", "A")]);
      expect(rows.map((r) => (r._Rule as { Title: string }).Title)).toEqual(["Failed logon"]);
      expect(logs.join("\n")).toMatch(re);
    }
  });

  it("a reference to a rule that is not loaded is a warning", async () => {
    const { logs } = await sigma(BRUTE_FORCE.replace("    - failed_logon", "    - failed_logon\n    - nope"), []);
    expect(logs.join("\n")).toMatch(/WARN .*References missing rule nope/);
  });
});

describe("sigma() correlations over a stream", () => {
  it("fires as the events arrive: the hit is emitted right after its triggering event, before the next is sent", async () => {
    const sent = { n: -1 };
    const times = ["12:00:00", "12:01:00", "12:02:00", "12:03:00", "12:20:00", "12:21:00", "12:22:00"];
    const feed = definePlugin({
      name: "feed",
      category: "test",
      doc: "Test plugin yielding logon events over time.",
      args: {},
      async *run() {
        for (let i = 0; i < times.length; i++) {
          await new Promise((r) => setTimeout(r, 5));
          sent.n = i;
          yield logon(times[i]!, "A");
        }
      },
    });
    const sentFn = defineFunction({ name: "sent", category: "test", doc: "The index of the last event fed.", args: {}, run: () => sent.n });
    const vql = `
      LET Sources <= sigma_log_sources(\`*/windows/security\`={ SELECT * FROM feed() })
      SELECT Timestamp, sent() AS Sent, len(list=_Correlations) AS N FROM sigma(rules=Rules, log_sources=Sources)`;
    const r = await collect(vql, { env: { Rules: [BRUTE_FORCE] }, extra: [feed, sentFn] });
    expect(r.rows.map((x) => JSON.parse(x))).toEqual([
      { Timestamp: "2024-10-10T12:02:00+10:00", Sent: 2, N: 3 },
      { Timestamp: "2024-10-10T12:03:00+10:00", Sent: 3, N: 4 },
      // 12:20 starts a fresh window; the third event in it fires again.
      { Timestamp: "2024-10-10T12:22:00+10:00", Sent: 6, N: 3 },
    ]);
  });

  it("an endless source: LIMIT ends the query once the correlation has fired", async () => {
    const vql = `
      LET Sources <= sigma_log_sources(\`*/windows/security\`={
        SELECT timestamp(epoch=1728526920 + _value * 60) AS Timestamp, 4625 AS EventID, 'A' AS TargetUserName FROM range(start=0, end=1000000000000) })
      SELECT Timestamp FROM sigma(rules=Rules, log_sources=Sources) LIMIT 2`;
    const r = await collect(vql, { env: { Rules: [BRUTE_FORCE] } });
    expect(r.rows.map((x) => JSON.parse(x).Timestamp)).toEqual(["2024-10-10T02:24:00Z", "2024-10-10T02:25:00Z"]);
  });
});

describe("Correlator bounds", () => {
  const spec = (timespan: string) =>
    compileCorrelation({ title: "C", correlation: { type: "event_count", rules: ["r"], "group-by": ["U"], timespan, condition: { gte: 1000000 } } });

  it("groups whose events all left the window are dropped as time moves on", () => {
    const c = new Correlator(spec("1m"));
    // A new user every second for an hour: at most a minute's worth of groups are live.
    for (let s = 0; s < 3600; s++) c.add(`user${s}`, s * 1000, {}, null);
    expect(c.stats.groups).toBeLessThanOrEqual(61);
    expect(c.stats.events).toBe(c.stats.groups);
  });

  it("a flood inside one window keeps at most maxEvents events", () => {
    const c = new Correlator(spec("1h"), { maxEvents: 500 });
    for (let i = 0; i < 5000; i++) c.add(`g${i % 7}`, i, {}, null);
    expect(c.stats.events).toBe(500);
    expect(c.overflowed).toBe(true);
  });

  it("timespans: Go durations and the specification's Xd", () => {
    expect([parseTimespan("30s"), parseTimespan("5m"), parseTimespan("1h30m"), parseTimespan("1d"), parseTimespan("90m"), parseTimespan("5 m"), parseTimespan("")]).toEqual([
      30_000, 300_000, 5_400_000, 86_400_000, 5_400_000, null, null,
    ]);
  });
});
