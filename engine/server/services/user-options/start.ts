// The user-options service: each user's GUI options in the database (user_options table),
// checked with zod at the edge (field names in refusals, never values), audited when changed.
import { z } from "zod";
import { queries } from "@/drizzle";
import { requirePermission, ServiceError, type AuditService, type GuiLink, type Principal, type ServiceDeps, type UserOptions, type UserOptionsService } from "@/engine/server/contracts";

export interface UserOptionsDeps extends Pick<ServiceDeps, "database" | "clock"> {
  audit: Pick<AuditService, "record">;
}

const text = z.string().max(200);
const linkSchema = z.object({
  type: text.default(""),
  text: text.default(""),
  url: z.string().max(2000).default(""),
  icon_url: z.string().max(2000).default(""),
  new_tab: z.boolean().default(false),
  encode: text.default(""),
  parameter: text.default(""),
  method: text.default(""),
  disabled: z.boolean().default(false),
});
const changeSchema = z.object({
  theme: text.optional(),
  timezone: text.optional(),
  lang: text.optional(),
  org: text.optional(),
  links: z.array(linkSchema).max(100).optional(),
  default_password: z.string().optional(),
});
const usernameSchema = z.string().min(1).max(200);

function shaped(stored: Record<string, unknown>): UserOptions {
  const s = (k: string) => (typeof stored[k] === "string" ? (stored[k] as string) : "");
  return { theme: s("theme"), timezone: s("timezone"), lang: s("lang"), org: s("org"), links: Array.isArray(stored.links) ? (stored.links as GuiLink[]) : [], default_password: "" };
}

function target(actor: Principal, username: unknown): string {
  const r = usernameSchema.safeParse(username);
  if (!r.success) throw new ServiceError("bad_request", "field `user`: expected a user name");
  if (r.data.toLowerCase() !== actor.username.toLowerCase()) requirePermission(actor, "SERVER_ADMIN");
  return r.data.toLowerCase() === actor.username.toLowerCase() ? actor.username : r.data;
}

export function startUserOptions(deps: UserOptionsDeps): UserOptionsService {
  const { db } = deps.database;
  return {
    async get(actor, username) {
      return shaped(await queries.getUserOptions(db, target(actor, username)));
    },
    async set(actor, username, change) {
      const user = target(actor, username);
      const r = changeSchema.safeParse(change);
      if (!r.success) throw new ServiceError("bad_request", `field \`${String(r.error.issues[0]?.path[0] ?? "options")}\`: not a valid option`);
      if (r.data.default_password) throw new ServiceError("bad_request", "field `default_password`: Talon writes no encrypted zips, so it keeps no default password");
      const set: Record<string, unknown> = {};
      for (const k of ["theme", "timezone", "lang", "org"] as const) if (r.data[k]) set[k] = r.data[k];
      if (r.data.links) set.links = r.data.links;
      if (Object.keys(set).length) {
        await queries.mergeUserOptions(db, { username: user, change: set, principal: actor.username, at: deps.clock.now() });
        await deps.audit.record(actor, "user_options", { username: user, options: Object.keys(set).sort() });
      }
      return shaped(await queries.getUserOptions(db, user));
    },
  };
}
