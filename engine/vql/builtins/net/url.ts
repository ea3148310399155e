/**
 * url(): parse a URL, or build one from its parts, as Velociraptor's url()
 * (vql/functions/url.go): the result is a GoUrl (Go's url.URL shape; `.String` is the text).
 * A built URL's path is cleaned and made absolute, and `query` (a dict) becomes the encoded
 * query string (keys sorted; list values repeat the key).
 */
import { dictGet, dictKeys, isDictLike } from "../../values/ordered-dict";
import { toVqlString } from "../../values/stringify";
import { arg } from "../arg";
import { defineFunction } from "../define";
import { GoUrl, goEscape } from "./go-url";

/** Go's path.Clean (slashes only). */
export function cleanSlashPath(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length && out.at(-1) !== "..") out.pop();
      else if (!rooted) out.push("..");
    } else out.push(part);
  }
  const s = (rooted ? "/" : "") + out.join("/");
  return s === "" ? "." : s;
}

function normalizePath(path: string): string {
  const p = cleanSlashPath(path).replaceAll("\\", "/").replace(/^\/+/, "");
  return p === "." ? "" : "/" + p;
}

/** Go's url.Values.Encode over a dict: sorted keys, each value (or list element) escaped. */
export function encodeQuery(query: unknown): string {
  if (!isDictLike(query)) return "";
  const pairs: [string, string][] = [];
  for (const k of dictKeys(query)) {
    const v = dictGet(query, k);
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) typeof item === "string" && pairs.push([k, item]);
    else pairs.push([k, toVqlString(v)]);
  }
  const keys = [...new Set(pairs.map(([k]) => k))].sort();
  return keys
    .flatMap((k) => pairs.filter(([pk]) => pk === k).map(([, v]) => `${goEscape(k, "query")}=${goEscape(v, "query")}`))
    .join("&");
}

export const urlFunction = defineFunction({
  name: "url",
  category: "network",
  doc: "Construct a URL or parse one; the result has Go's url.URL fields (Scheme, Host, Path, RawQuery, Fragment...) and `.String` gives the escaped URL text.",
  args: {
    scheme: arg.string().default("").doc("The scheme to use."),
    host: arg.string().default("").doc("The host component."),
    path: arg.string().default("").doc("The path component."),
    fragment: arg.string().default("").doc("The fragment."),
    query: arg.any().doc("A dict representing a query string."),
    parse: arg.string().default("").doc("A url to parse."),
  },
  version: 2,
  argErrorValue: false,
  run({ scheme, host, path, fragment, query, parse }, ctx) {
    if (parse !== "") {
      try {
        return GoUrl.parse(parse);
      } catch (err) {
        ctx.log("ERROR", `url: ${(err as Error).message}`);
        return false;
      }
    }
    return new GoUrl({ Scheme: scheme, Host: host, Path: normalizePath(path), RawQuery: encodeQuery(query), Fragment: fragment });
  },
});
