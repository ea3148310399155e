/**
 * alert(): raise an alert, as Velociraptor does. Free-form arguments become the alert's
 * `event_data`; `condition` given and false does nothing; the same name is raised at most once
 * per `dedup` seconds (default 7200, -1 disables) within the run (the root scope: an LRU of 100
 * names), and a suppressed one becomes an INFO line `Alert <name> (Sup): <json>` so nothing is
 * silently lost. A raised alert leaves the run as an `alert` event; the host routes it to the
 * `Server.Internal.Alerts` queue (the server's runner, or the agent in its own message).
 * Returns TRUE when raised, FALSE when suppressed or not applicable.
 */
import { toJsonText, toJsonValue } from "../../values/json";
import { arg } from "../arg";
import { defineFunction } from "../define";

/** Severities an alert can carry (Talon's addition; Velociraptor's alerts have none). */
export const ALERT_SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
const DEDUP_KEY = Symbol("alert-dedup");
const MAX_NAMES = 100;

export const alertFunction = defineFunction({
  name: "alert",
  category: "events",
  impure: true,
  sideEffects: true,
  doc:
    "Raise an alert: sent to the `Server.Internal.Alerts` queue with the other arguments as its `event_data`. " +
    "The same `name` is raised at most once per `dedup` seconds in a query (default 7200; -1 disables); a suppressed one is logged at INFO instead. " +
    "`condition` false raises nothing. `severity` (info, low, medium, high, critical; default medium) and `client_id` are Talon's.",
  args: {
    name: arg.string().required().doc("Name of the alert."),
    dedup: arg.int().default(7200).doc("Suppress the same name for this many seconds (default 7200 sec or 2 hours); -1 disables."),
    condition: arg.any().doc("If specified, the alert is raised only when it is true."),
    severity: arg.string().default("medium").doc("info, low, medium, high or critical (Talon)."),
    client_id: arg.string().doc("Talon: in a server query, the client the alert is about (default: the query's client, or `server`). Agents always raise for themselves."),
  },
  rest: arg.any().doc("Free-form arguments: the alert's event data."),
  argErrorValue: false,
  async run({ name, dedup, condition, severity, client_id }, ctx, rest) {
    if (condition !== undefined && !(await ctx.isTruthy(condition))) return false;
    const sev = severity.toLowerCase();
    if (!(ALERT_SEVERITIES as readonly string[]).includes(sev)) {
      ctx.log("WARN", `alert: severity must be one of ${ALERT_SEVERITIES.join(", ")}, not ${JSON.stringify(severity)}; using medium`);
    }
    const eventData: Record<string, unknown> = {};
    for (const [k, v] of rest) eventData[k] = toJsonValue(await ctx.materialize(v));
    const seen = ctx.runShared(DEDUP_KEY, () => new Map<string, number>());
    const now = ctx.now();
    const last = seen.get(name);
    if (dedup >= 0 && last !== undefined && now - last < dedup * 1000) {
      ctx.log("INFO", `Alert ${name} (Sup): ${toJsonText(eventData)}`);
      return false;
    }
    // Most recently raised last: the oldest name leaves first.
    seen.delete(name);
    seen.set(name, now);
    if (seen.size > MAX_NAMES) seen.delete(seen.keys().next().value!);
    ctx.raiseAlert({ name, severity: (ALERT_SEVERITIES as readonly string[]).includes(sev) ? sev : "medium", eventData, ...(client_id ? { clientId: client_id } : {}) });
    return true;
  },
});
