// forward_alerts(): Talon's durable alert forwarder, the engine of the Discord, Slack, Teams and
// generic webhook artifacts (Server.Alerts.*). It follows `Server.Internal.Alerts` through a
// stored checkpoint, so a restart neither drops nor re-sends what was delivered; posts each
// alert that passes the filters in the destination's message shape; holds back what goes over
// `max_per_minute` and sends it as one summary when the window allows; retries a failing
// destination with a growing pause (0.5 s doubling to 5 min; a 429's Retry-After is honoured)
// until it answers, and gives up on a message only when the destination refuses it for good
// (a 4xx other than 408/429), with an ERROR line. Up to 8 posts are in flight at once; the
// checkpoint moves only past what was delivered with everything before it. Destinations go through the outbound guard
// (TALON_HTTP_CLIENT_ALLOW); a URL from a secret is never shown. NETWORK permission.
import { createHash } from "node:crypto";
import { arg, compileRegex, definePlugin, isRegexError, type BuiltinContext, type CompiledRegex } from "../../vql";
import { ALERT_SEVERITIES, ALERTS_QUEUE, type JournalEvent } from "@/engine/server/contracts";
import { guardedFetch, isOutboundError, redactUrl } from "../net";
import { guarded } from "./clients";
import { serverHost } from "./host";
import { alertMessage, summaryMessage, WEBHOOK_FORMATS, type AlertForMessage, type WebhookFormat } from "./webhooks/format";
import { SendWindow } from "./webhooks/throttle";

const MAX_PAUSE_MS = 5 * 60_000;
const BATCH = 100;
/** Posts in flight at once to one destination. */
const CONCURRENCY = 8;

/** Runs `fn` over `items`, at most `n` at a time; the results in the items' order. */
async function inOrder<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

interface Destination {
  url: string;
  headers: Record<string, string>;
  /** What rows and logs show: the URL redacted when it came from a secret. */
  shown: string;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** As VQL's =~: "", "." and ".*" match anything, even an empty string. */
function matches(re: CompiledRegex, pattern: string, value: string): boolean {
  return pattern === "" || pattern === "." || pattern === ".*" || re.test(value);
}

function rank(s: string): number {
  const i = (ALERT_SEVERITIES as readonly string[]).indexOf(s);
  return i < 0 ? 2 : i;
}

function toAlert(e: JournalEvent): AlertForMessage | undefined {
  const p = e.payload;
  if (typeof p.name !== "string" || !p.name) return undefined;
  const data = p.event_data && typeof p.event_data === "object" && !Array.isArray(p.event_data) ? (p.event_data as Record<string, unknown>) : {};
  return {
    name: p.name,
    client_id: String(p.client_id ?? e.clientId),
    artifact: String(p.artifact ?? ""),
    severity: (ALERT_SEVERITIES as readonly string[]).includes(String(p.severity)) ? String(p.severity) : "medium",
    timestamp: typeof p.timestamp === "string" ? p.timestamp : e.at.toISOString(),
    event_data: data,
    flow_id: String(p.flow_id ?? ""),
  };
}

/** Posts one message until the destination takes it (true) or refuses it for good (false). */
async function deliver(ctx: BuiltinContext, dest: Destination, body: Record<string, unknown>, what: string): Promise<{ ok: boolean; status: number; attempts: number }> {
  let pause = 500;
  for (let attempt = 1; ; attempt++) {
    let status = 0;
    let retryAfterMs = 0;
    let error = "";
    try {
      const r = await guardedFetch({
        url: dest.url,
        method: "POST",
        headers: { "content-type": "application/json", ...dest.headers },
        body: JSON.stringify(body),
        signal: ctx.signal,
        timeoutMs: 15_000,
        maxBytes: 64 * 1024,
        maxRedirects: 0,
      });
      status = r.status;
      if (status >= 200 && status < 300) return { ok: true, status, attempts: attempt };
      const ra = Number(r.headers["retry-after"]);
      if (Number.isFinite(ra) && ra > 0) retryAfterMs = Math.min(ra * 1000, MAX_PAUSE_MS);
      error = `HTTP ${status}`;
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        ctx.log("ERROR", `forward_alerts: ${dest.shown} refused ${what} (${error}); not retrying it`);
        return { ok: false, status, attempts: attempt };
      }
    } catch (err) {
      if (ctx.signal.aborted) return { ok: false, status: 0, attempts: attempt };
      error = isOutboundError(err) ? err.message : (err as Error).message;
      if (isOutboundError(err) && err.code === "refused") {
        // A destination the guard refuses stays refused until the allow-list changes: keep
        // trying slowly so nothing is lost once an administrator allows it.
        pause = Math.max(pause, 60_000);
      }
    }
    const wait = Math.max(retryAfterMs, pause);
    ctx.log("WARN", `forward_alerts: posting ${what} to ${dest.shown} failed (${error}), attempt ${attempt}; retrying in ${Math.round(wait / 1000)} s`);
    await sleep(wait, ctx.signal);
    if (ctx.signal.aborted) return { ok: false, status: 0, attempts: attempt };
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }
}

export const forwardAlertsPlugin = definePlugin({
  name: "forward_alerts",
  category: "server",
  doc:
    "Forwards the alerts of `Server.Internal.Alerts` to a webhook (Talon): `format` discord, slack, teams or json; the destination from `url` or a " +
    "managed secret (`secret`, type Webhook or HTTP Secrets). Filters: `min_severity`, `name_regex`, `artifact_regex`. At most `max_per_minute` " +
    "messages (the rest go out as one summary), retries until the destination answers, and a stored checkpoint (`checkpoint`, default the " +
    "format and destination) so a restart neither drops nor re-sends delivered alerts. One row per message sent. Never ends.",
  args: {
    format: arg.string().default("json").doc("discord, slack, teams or json."),
    url: arg.string().doc("The webhook URL (prefer `secret`: a URL given here appears in the artifact's parameters)."),
    secret: arg.string().doc("A managed secret holding the URL (type Webhook or HTTP Secrets)."),
    min_severity: arg.string().default("info").doc("Forward alerts of this severity or higher (info, low, medium, high, critical)."),
    name_regex: arg.string().default(".").doc("Forward alerts whose name matches."),
    artifact_regex: arg.string().default(".").doc("Forward alerts raised by an artifact that matches."),
    max_per_minute: arg.int().default(30).doc("Messages per minute at most; 0 for no limit."),
    link_base: arg.string().doc("Talon's address as people reach it (e.g. https://talon.example.com): messages link to the alert. Default TALON_PUBLIC_URL."),
    checkpoint: arg.string().doc("Name of the stored position (default: from the format and destination)."),
    start: arg.string().default("now").doc("Where a new checkpoint starts: now, or start (every stored alert)."),
  },
  permissions: ["NETWORK"],
  platforms: ["server"],
  sideEffects: true,
  async *run(a, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const format = a.format.toLowerCase() as WebhookFormat;
    if (!(WEBHOOK_FORMATS as readonly string[]).includes(format)) {
      ctx.log("ERROR", `forward_alerts: format must be one of ${WEBHOOK_FORMATS.join(", ")}`);
      return;
    }
    let dest: Destination | undefined;
    if (a.secret) {
      let s = await guarded(ctx, () => services.secrets.resolve(principal, a.secret!, "Webhook"), null);
      s ??= await guarded(ctx, () => services.secrets.resolve(principal, a.secret!, "HTTP Secrets"), null);
      const url = s && typeof s.values.url === "string" ? s.values.url : "";
      if (!url) {
        ctx.log("ERROR", `forward_alerts: secret ${a.secret} cannot be used (missing, not shared with ${principal.username}, or without a url)`);
        return;
      }
      const extra = (s!.values.extra_headers ?? {}) as Record<string, unknown>;
      dest = { url, headers: Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])), shown: `${redactUrl(url)} (secret ${a.secret})` };
    } else if (a.url) {
      dest = { url: a.url, headers: {}, shown: redactUrl(a.url) };
    }
    if (!dest) {
      ctx.log("ERROR", "forward_alerts: give the destination as `secret` (preferred) or `url`");
      return;
    }
    // As VQL's =~: RE2 syntax, case-insensitive.
    const nameRe = compileRegex(a.name_regex, { caseInsensitive: true });
    const artifactRe = compileRegex(a.artifact_regex, { caseInsensitive: true });
    if (isRegexError(nameRe) || isRegexError(artifactRe)) {
      ctx.log("ERROR", `forward_alerts: ${isRegexError(nameRe) ? `name_regex: ${nameRe.error}` : ""}${isRegexError(artifactRe) ? ` artifact_regex: ${artifactRe.error}` : ""}`);
      return;
    }
    const minRank = rank(a.min_severity.toLowerCase());
    const linkBase = a.link_base ?? process.env.TALON_PUBLIC_URL ?? "";
    const name = a.checkpoint || `forward:${format}:${createHash("sha256").update(dest.url).digest("hex").slice(0, 16)}`;
    const checkpoint = services.journal.checkpoint(name, ALERTS_QUEUE, { initial: a.start === "start" ? "start" : "now" });
    const window = new SendWindow(Math.max(0, a.max_per_minute));
    const held: Array<{ alert: AlertForMessage; event: JournalEvent }> = [];
    /** The last event handled with everything before it (delivered, summarised or filtered out). */
    let done: JournalEvent | undefined;
    let committed: JournalEvent | undefined;
    const commit = async () => {
      if (done && done !== committed) {
        await checkpoint.commit(done);
        committed = done;
      }
    };
    const row = (kind: string, r: { ok: boolean; status: number; attempts: number }, alerts: AlertForMessage[]) => ({
      Time: new Date(ctx.now()).toISOString(),
      Kind: kind,
      Name: kind === "summary" ? `${alerts.length} alerts` : alerts[0]!.name,
      ClientId: kind === "summary" ? "" : alerts[0]!.client_id,
      Alerts: alerts.length,
      Delivered: r.ok,
      Response: r.status,
      Attempts: r.attempts,
      Destination: dest!.shown,
    });

    try {
      while (!ctx.signal.aborted) {
        // Held alerts go out as one summary as soon as the window has room.
        if (held.length && window.waitMs(ctx.now()) === 0) {
          const alerts = held.map((h) => h.alert);
          const r = await deliver(ctx, dest, summaryMessage(format, alerts, linkBase), `a summary of ${alerts.length} alerts`);
          if (ctx.signal.aborted) break;
          window.record(ctx.now());
          done = held[held.length - 1]!.event;
          held.length = 0;
          await commit();
          yield row("summary", r, alerts);
        }
        const waitFor = held.length ? window.waitMs(ctx.now()) : 0;
        const stop = new AbortController();
        const both = AbortSignal.any([ctx.signal, stop.signal]);
        const timer = waitFor ? setTimeout(() => stop.abort(), waitFor) : undefined;
        const events = await checkpoint.next({ limit: BATCH, signal: both });
        if (timer) clearTimeout(timer);
        // In journal order: filtered out, sent now (the window has room: its slot is taken at
        // once), or held for the next summary. What is sent goes out CONCURRENCY at a time.
        const sends: Array<{ alert: AlertForMessage; event: JournalEvent }> = [];
        let lastBeforeHeld: JournalEvent | undefined;
        for (const e of events) {
          const alert = toAlert(e);
          const wanted = alert && rank(alert.severity) >= minRank && matches(nameRe, a.name_regex, alert.name) && matches(artifactRe, a.artifact_regex, alert.artifact);
          if (wanted && !held.length && window.waitMs(ctx.now()) === 0) {
            window.record(ctx.now());
            sends.push({ alert, event: e });
          } else if (wanted) held.push({ alert, event: e });
          if (!held.length) lastBeforeHeld = e;
        }
        const results = await inOrder(sends, CONCURRENCY, (x) => deliver(ctx, dest, alertMessage(format, x.alert, linkBase), `alert ${x.alert.name}`));
        if (ctx.signal.aborted) break;
        if (lastBeforeHeld) done = lastBeforeHeld;
        await commit();
        for (let i = 0; i < sends.length; i++) yield row("alert", results[i]!, [sends[i]!.alert]);
      }
    } finally {
      await commit().catch(() => {});
    }
  },
});
