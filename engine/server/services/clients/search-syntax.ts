// Velociraptor's client search syntax, parsed into structured terms (pure; the SQL is built in
// drizzle/queries/clients-search.ts). Space-separated terms must all hold. Verbs: all, host:,
// label:, label:none, client:, ip:, mac:, os:, recent:, and any metadata key; a bare word matches
// a hostname or label prefix or a client id. `*`/`?` make a glob; `/.../` a regex.
import type { ClientSearchTerm, SearchMatch } from "@/drizzle/queries/clients-search";

export type ParsedSearch = { ok: true; terms: ClientSearchTerm[] } | { ok: false; message: string };

const KNOWN = new Set(["host", "label", "client", "ip", "mac", "os", "recent"]);
const METADATA_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `/re/` → regex; with `*` or `?` → LIKE pattern; else the default kind for the verb. */
export function toMatch(raw: string, plain: "prefix" | "exact"): SearchMatch {
  if (raw.length >= 2 && raw.startsWith("/") && raw.endsWith("/")) return { kind: "regex", value: raw.slice(1, -1) };
  const value = raw.toLowerCase();
  if (/[*?]/.test(value)) {
    return { kind: "like", value: [...value].map((c) => (c === "*" ? "%" : c === "?" ? "_" : escapeLike(c))).join("") };
  }
  return { kind: plain, value };
}

/** Splits on whitespace, keeping `/regex with spaces/` and `"quoted values"` together. */
function tokens(query: string): string[] {
  const out: string[] = [];
  const re = /(\S*?:\/(?:[^/\\]|\\.)*\/|\/(?:[^/\\]|\\.)*\/|\S*?:"[^"]*"|"[^"]*"|\S+)/g;
  for (const m of query.matchAll(re)) out.push(m[0]);
  return out;
}

export function parseClientSearch(query: string, recent: () => string[]): ParsedSearch {
  const terms: ClientSearchTerm[] = [];
  for (const token of tokens(query.trim())) {
    if (token.toLowerCase() === "all") {
      terms.push({ field: "all" });
      continue;
    }
    const colon = token.indexOf(":");
    if (colon <= 0 || /^c\.[0-9a-f]*$/i.test(token)) {
      if (/^c\.[0-9a-f*?]*$/i.test(token)) terms.push({ field: "client", match: toMatch(token, "prefix") });
      else terms.push({ field: "word", match: toMatch(token, "prefix") });
      continue;
    }
    const verb = token.slice(0, colon).toLowerCase();
    // `label:"Recent Threat Detection"`: a quoted value may hold spaces (matched as written).
    const raw = token.slice(colon + 1);
    const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
    if (verb === "recent") {
      terms.push({ field: "ids", ids: recent() });
      continue;
    }
    if (verb === "label" && value.toLowerCase() === "none") {
      terms.push({ field: "label-none" });
      continue;
    }
    if (!value) return { ok: false, message: `the search term \`${token}\` needs a value after the colon` };
    if (KNOWN.has(verb)) {
      const field = verb as "host" | "label" | "client" | "ip" | "mac" | "os";
      terms.push({ field, match: toMatch(value, field === "label" ? "exact" : "prefix") });
      continue;
    }
    if (!METADATA_KEY.test(token.slice(0, colon))) return { ok: false, message: `invalid search operator \`${token.slice(0, colon)}\`` };
    terms.push({ field: "metadata", key: token.slice(0, colon), match: toMatch(value, "exact") });
  }
  return { ok: true, terms: terms.length ? terms : [{ field: "all" }] };
}
