// Client search: structured terms (parsed from Velociraptor's search syntax by the clients
// service) turned into one SQL condition. Every user value is a bound parameter.
import { and, sql, type SQL } from "drizzle-orm";
import { clientLabels, clients } from "../schema";

/** How a term's value matches: lower-cased prefix/exact, a LIKE pattern (from a glob), or a regex. */
export interface SearchMatch {
  kind: "prefix" | "exact" | "like" | "regex";
  /** Lower-cased for prefix/exact/like; as written for regex (matched case-insensitively). */
  value: string;
}

export type ClientSearchTerm =
  | { field: "all" }
  | { field: "host" | "client" | "ip" | "mac" | "os" | "label" | "word"; match: SearchMatch }
  | { field: "label-none" }
  | { field: "metadata"; key: string; match: SearchMatch }
  | { field: "ids"; ids: string[] };

/** Escapes LIKE's special characters (the default escape character is backslash). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function matchText(expr: SQL, m: SearchMatch): SQL {
  switch (m.kind) {
    case "prefix":
      return sql`lower(${expr}) like ${escapeLike(m.value) + "%"}`;
    case "exact":
      return sql`lower(${expr}) = ${m.value}`;
    case "like":
      return sql`lower(${expr}) like ${m.value}`;
    case "regex":
      return sql`${expr} ~* ${m.value}`;
  }
}

function matchJsonArray(column: SQL, m: SearchMatch): SQL {
  return sql`exists (select 1 from jsonb_array_elements_text(${column}) as a(v) where ${matchText(sql`a.v`, m)})`;
}

function matchLabel(m: SearchMatch): SQL {
  return sql`exists (select 1 from ${clientLabels} l where l.client_id = ${clients.clientId} and ${matchText(sql`l.label_lower`, m)})`;
}

function termSql(t: ClientSearchTerm): SQL {
  switch (t.field) {
    case "all":
      return sql`true`;
    case "host":
      return sql`(${matchText(sql`${clients.hostname}`, t.match)} or ${matchText(sql`${clients.fqdn}`, t.match)})`;
    case "client":
      return matchText(sql`${clients.clientId}`, t.match);
    case "ip":
      return sql`(${matchText(sql`${clients.lastIp}`, t.match)} or ${matchJsonArray(sql`${clients.ipAddresses}`, t.match)})`;
    case "mac":
      return matchJsonArray(sql`${clients.macAddresses}`, t.match);
    case "os":
      return sql`(${matchText(sql`${clients.os}`, t.match)} or ${matchText(sql`${clients.platform}`, t.match)})`;
    case "label":
      return matchLabel(t.match);
    case "label-none":
      return sql`not exists (select 1 from ${clientLabels} l where l.client_id = ${clients.clientId})`;
    case "metadata":
      return matchText(sql`(${clients.metadata} ->> ${t.key})`, t.match);
    case "word":
      return sql`(${matchText(sql`${clients.hostname}`, t.match)} or ${matchLabel(t.match)} or ${matchText(sql`${clients.clientId}`, t.match)})`;
    case "ids":
      return sql`${clients.clientId} in (select jsonb_array_elements_text(${JSON.stringify(t.ids)}::jsonb))`;
  }
}

/**
 * All terms must hold (AND). `onlineNodeIds`: only clients whose agent is connected to one of
 * these processes (agent_presence).
 */
export function searchCondition(terms: ClientSearchTerm[], onlineNodeIds?: string[]): SQL | undefined {
  const parts = terms.map(termSql);
  if (onlineNodeIds) {
    parts.push(sql`${clients.clientId} in (select p.client_id from agent_presence p where p.node_id in (select jsonb_array_elements_text(${JSON.stringify(onlineNodeIds)}::jsonb)))`);
  }
  return parts.length ? and(...parts) : undefined;
}
