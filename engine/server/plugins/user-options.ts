// user_options() as Velociraptor has it: sets the options given (theme, timezone, lang, org,
// links) for a user and returns that user's options as a dict (theme, timezone, lang, org,
// links, default_password). A user's own need no permission; another user's need SERVER_ADMIN
// (checked by the service). `default_password` reads as "" and setting it is an ERROR (Talon
// writes no encrypted zips).
import { arg, defineFunction, OrderedDict, toJsonValue, type Builtin } from "../../vql";
import type { GuiLink, UserOptions, UserOptionsChange } from "@/engine/server/contracts";
import { guarded } from "./clients";
import { serverHost, userOptionsOf } from "./host";

const LINK_FIELDS = ["type", "text", "url", "icon_url", "new_tab", "encode", "parameter", "method", "disabled"] as const;

function optionsDict(o: UserOptions): OrderedDict {
  return new OrderedDict([
    ["theme", o.theme],
    ["timezone", o.timezone],
    ["lang", o.lang],
    ["org", o.org],
    ["links", o.links.map((l) => new OrderedDict(LINK_FIELDS.map((k) => [k, l[k]])))],
    ["default_password", o.default_password],
  ]);
}

/** A link row as Velociraptor reads it: strings for the text fields, truthiness for new_tab and disabled. */
function linkOf(row: unknown): Partial<GuiLink> {
  const v = (toJsonValue(row) ?? {}) as Record<string, unknown>;
  const str = (k: string) => (v[k] === undefined || v[k] === null ? "" : String(v[k]));
  return { type: str("type"), text: str("text"), url: str("url"), icon_url: str("icon_url"), new_tab: !!v.new_tab, encode: str("encode"), parameter: str("parameter"), method: str("method"), disabled: !!v.disabled };
}

export const userOptionsFunction = defineFunction({
  name: "user_options",
  category: "server",
  doc: "Sets a user's GUI options (those given and not empty) and returns the user's options: `theme`, `timezone`, `lang`, `org`, `links` (list of {type, text, url, icon_url, new_tab, encode, parameter, method, disabled}) and `default_password` (always empty in Talon). Another user's options need SERVER_ADMIN.",
  args: {
    user: arg.string().required().doc("The user to create or update."),
    theme: arg.string().doc("Set the user's theme."),
    timezone: arg.string().doc("Set the user's timezone."),
    lang: arg.string().doc("Set the user's language."),
    org: arg.string().doc("Set the user's default org id."),
    links: arg.query().doc("Set the user's default links: a list of dicts with columns type, text, url, icon_url, new_tab, encode, parameter, method, disabled."),
    default_password: arg.string().doc("Not kept by Talon (no encrypted zips): setting it is an ERROR."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async run({ user, theme, timezone, lang, org, links, default_password }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const change: UserOptionsChange = {};
    if (theme) change.theme = theme;
    if (timezone) change.timezone = timezone;
    if (lang) change.lang = lang;
    if (org) change.org = org;
    if (default_password) change.default_password = default_password;
    if (links && links.value !== undefined && links.value !== null) {
      const list: Array<Partial<GuiLink>> = [];
      for await (const row of links.rows()) {
        ctx.signal.throwIfAborted();
        list.push(linkOf(row));
      }
      change.links = list;
    }
    const svc = userOptionsOf(services);
    const options = await guarded(ctx, () => (Object.keys(change).length ? svc.set(principal, user, change) : svc.get(principal, user)), null);
    return options ? optionsDict(options) : null;
  },
});

export const userOptionsBuiltins: readonly Builtin[] = [userOptionsFunction];
