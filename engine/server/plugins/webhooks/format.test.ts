// Message shapes per chat service, from each service's documented webhook format, and the
// throttle's window.
import { describe, expect, it } from "vitest";
import { alertLink, alertMessage, summaryMessage, type AlertForMessage } from "./format";
import { SendWindow } from "./throttle";

const a: AlertForMessage = {
  name: "Bad <thing> & @everyone",
  client_id: "C.0123456789abcdef",
  hostname: "ws-1",
  artifact: "Windows.Detection.ProcessCreation",
  severity: "high",
  timestamp: "2026-12-02T10:00:00.000Z",
  event_data: { CommandLine: "psexec \\\\host -s cmd", Pid: 42 },
};

describe("webhook messages", () => {
  it("Discord: content and one embed with the link; mentions are neutralised and never parsed", () => {
    const m = alertMessage("discord", a, "https://talon.example/") as { content: string; allowed_mentions: unknown; embeds: Array<Record<string, unknown>> };
    expect(m.allowed_mentions).toEqual({ parse: [] });
    expect(m.content).not.toMatch(/@everyone/);
    expect(m.content).toContain("@\u200beveryone");
    expect(m.embeds[0]!.url).toBe("https://talon.example/alerts?search=Bad%20%3Cthing%3E%20%26%20%40everyone&client=C.0123456789abcdef");
    expect(m.embeds[0]!.color).toBe(0xdc2626);
    expect(String(m.embeds[0]!.description)).toContain("Pid: 42");
  });

  it("Slack: &, < and > escaped in text and blocks, a button to the alert", () => {
    const m = alertMessage("slack", a, "https://talon.example") as { text: string; blocks: Array<Record<string, unknown>> };
    expect(m.text).toContain("Bad &lt;thing&gt; &amp; @everyone");
    expect(m.text).not.toContain("<thing>");
    const actions = m.blocks.find((b) => b.type === "actions") as { elements: Array<{ url: string }> };
    expect(actions.elements[0]!.url).toBe(alertLink("https://talon.example", a));
  });

  it("Teams: an Adaptive Card attachment with the facts and an Open action", () => {
    const m = alertMessage("teams", a, "https://talon.example") as { type: string; attachments: Array<{ contentType: string; content: Record<string, unknown> }> };
    expect(m.type).toBe("message");
    expect(m.attachments[0]!.contentType).toBe("application/vnd.microsoft.card.adaptive");
    const card = m.attachments[0]!.content as { type: string; body: Array<{ type: string; facts?: Array<{ title: string; value: string }> }>; actions: Array<{ type: string }> };
    expect(card.type).toBe("AdaptiveCard");
    expect(card.body.find((b) => b.type === "FactSet")!.facts).toContainEqual({ title: "Client", value: "ws-1 (C.0123456789abcdef)" });
    expect(card.actions[0]!.type).toBe("Action.OpenUrl");
  });

  it("JSON: the alert row with its link; no link without a base address", () => {
    expect(alertMessage("json", a, "")).toEqual({ ...a, link: "" });
  });

  it("a summary counts the held-back alerts by name", () => {
    const held = [a, { ...a, name: "Other" }, a];
    const m = summaryMessage("json", held, "") as { count: number; names: Record<string, number> };
    expect(m.count).toBe(3);
    expect(m.names).toEqual({ [a.name]: 2, Other: 1 });
    expect(String((summaryMessage("slack", held, "") as { text: string }).text)).toMatch(/^3 more alerts/);
  });
});

describe("SendWindow", () => {
  it("allows N a minute, then says how long until the oldest leaves the window", () => {
    const w = new SendWindow(2);
    expect(w.waitMs(0)).toBe(0);
    w.record(0);
    w.record(1000);
    expect(w.waitMs(2000)).toBe(58_000);
    expect(w.waitMs(60_000)).toBe(0);
  });

  it("0 means no limit", () => {
    const w = new SendWindow(0);
    for (let i = 0; i < 1000; i++) w.record(i);
    expect(w.waitMs(1000)).toBe(0);
  });
});
