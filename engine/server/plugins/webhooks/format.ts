// The message each chat service's incoming webhook takes for an alert, and for a summary of
// alerts held back by the throttle: Discord (content + an embed), Slack (text + mrkdwn
// blocks, with &, <, > escaped as Slack requires), Microsoft Teams (an Adaptive Card in a
// message attachment, as Workflows and connector webhooks accept) and plain JSON (the alert
// row with its link). Each carries a link back to the alert in Talon when a base URL is known.
export const WEBHOOK_FORMATS = ["discord", "slack", "teams", "json"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface AlertForMessage {
  name: string;
  client_id: string;
  hostname?: string;
  artifact: string;
  severity: string;
  timestamp: string;
  event_data: Record<string, unknown>;
  flow_id?: string;
}

const COLORS: Record<string, number> = { info: 0x6b7280, low: 0x2563eb, medium: 0xd97706, high: 0xdc2626, critical: 0x7f1d1d };
const MAX_FIELD = 1000;

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function dataText(d: Record<string, unknown>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join("\n");
}

/** The inbox entry's page for this alert (the list filtered to its name and client). */
export function alertLink(base: string, a: Pick<AlertForMessage, "name" | "client_id">): string {
  if (!base) return "";
  return `${base.replace(/\/+$/, "")}/alerts?search=${encodeURIComponent(a.name)}&client=${encodeURIComponent(a.client_id)}`;
}

function where(a: AlertForMessage): string {
  if (a.client_id === "server") return "the server";
  return a.hostname ? `${a.hostname} (${a.client_id})` : a.client_id;
}

function slackEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Discord's mentions (@everyone, <@id>) are neutralised: alert text never pings anyone. */
function discordSafe(s: string): string {
  return s.replace(/@(everyone|here)/g, "@\u200b$1").replace(/<@/g, "<@\u200b");
}

export function alertMessage(format: WebhookFormat, a: AlertForMessage, linkBase: string): Record<string, unknown> {
  const link = alertLink(linkBase, a);
  const title = `${a.severity.toUpperCase()} alert: ${a.name}`;
  const line = `${title} on ${where(a)}${a.artifact ? ` from ${a.artifact}` : ""} at ${a.timestamp}`;
  const details = clip(dataText(a.event_data), MAX_FIELD);
  switch (format) {
    case "discord":
      return {
        content: clip(discordSafe(line), 2000),
        allowed_mentions: { parse: [] },
        embeds: [
          {
            title: clip(discordSafe(title), 256),
            ...(link ? { url: link } : {}),
            description: clip(discordSafe(details || "(no details)"), 4096),
            color: COLORS[a.severity] ?? COLORS.medium,
            timestamp: a.timestamp,
            fields: [
              { name: "Client", value: clip(discordSafe(where(a)), 1024), inline: true },
              { name: "Artifact", value: clip(discordSafe(a.artifact || "-"), 1024), inline: true },
              { name: "Severity", value: a.severity, inline: true },
            ],
          },
        ],
      };
    case "slack":
      return {
        text: slackEscape(line),
        blocks: [
          { type: "section", text: { type: "mrkdwn", text: clip(`*${slackEscape(title)}*\n${slackEscape(`${where(a)}${a.artifact ? ` · ${a.artifact}` : ""} · ${a.timestamp}`)}`, 3000) } },
          ...(details ? [{ type: "section", text: { type: "mrkdwn", text: clip("```" + slackEscape(details) + "```", 3000) } }] : []),
          ...(link ? [{ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in Talon" }, url: link }] }] : []),
        ],
      };
    case "teams":
      return {
        type: "message",
        attachments: [
          {
            contentType: "application/vnd.microsoft.card.adaptive",
            content: {
              $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
              type: "AdaptiveCard",
              version: "1.4",
              body: [
                { type: "TextBlock", size: "Medium", weight: "Bolder", wrap: true, text: title },
                {
                  type: "FactSet",
                  facts: [
                    { title: "Client", value: where(a) },
                    { title: "Artifact", value: a.artifact || "-" },
                    { title: "Time", value: a.timestamp },
                  ],
                },
                ...(details ? [{ type: "TextBlock", wrap: true, fontType: "Monospace", text: details }] : []),
              ],
              ...(link ? { actions: [{ type: "Action.OpenUrl", title: "Open in Talon", url: link }] } : {}),
            },
          },
        ],
      };
    case "json":
      return { ...a, link };
  }
}

/** One message for alerts the throttle held back: how many, of which names, since when. */
export function summaryMessage(format: WebhookFormat, held: AlertForMessage[], linkBase: string): Record<string, unknown> {
  const names = new Map<string, number>();
  for (const a of held) names.set(a.name, (names.get(a.name) ?? 0) + 1);
  const list = [...names].sort((x, y) => y[1] - x[1]).map(([n, c]) => `${n} ×${c}`);
  const text = `${held.length} more alert${held.length === 1 ? "" : "s"} (held back by the rate limit) between ${held[0]!.timestamp} and ${held[held.length - 1]!.timestamp}: ${clip(list.join(", "), 1500)}`;
  const link = linkBase ? `${linkBase.replace(/\/+$/, "")}/alerts?status=new` : "";
  switch (format) {
    case "discord":
      return { content: clip(discordSafe(text + (link ? `\n${link}` : "")), 2000), allowed_mentions: { parse: [] } };
    case "slack":
      return { text: slackEscape(text) + (link ? ` <${link}|Open in Talon>` : "") };
    case "teams":
      return {
        type: "message",
        attachments: [
          {
            contentType: "application/vnd.microsoft.card.adaptive",
            content: { type: "AdaptiveCard", version: "1.4", body: [{ type: "TextBlock", wrap: true, text }], ...(link ? { actions: [{ type: "Action.OpenUrl", title: "Open in Talon", url: link }] } : {}) },
          },
        ],
      };
    case "json":
      return { summary: true, count: held.length, names: Object.fromEntries(names), first: held[0]!.timestamp, last: held[held.length - 1]!.timestamp, link };
  }
}
