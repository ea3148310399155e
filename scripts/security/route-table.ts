// The route table of the standing security suite, read from the source tree: every route file
// (app/api/**/route.ts) with its exported HTTP methods and the permission each passes to
// withPrincipal(), every page (app/**/page.tsx), and every topic prefix a service registers
// with ui.authorize(). The e2e matrix (e2e/security-matrix.spec.ts) is generated from it, and
// route-table.test.ts fails when a file has something this reader does not understand, so a new
// route or topic cannot silently escape the matrix. Plain Node (fs only): no app imports.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
/** Route segment config a route file may export besides its methods (Next's names). */
const ROUTE_CONFIG = new Set(["dynamic", "runtime", "revalidate", "fetchCache", "maxDuration", "dynamicParams", "preferredRegion"]);

/**
 * What a method asks of the caller: a permission name (withPrincipal("X", ...)), "signed-in"
 * (withPrincipal(undefined, ...): the route needs a principal and the services check the rest),
 * or "public" (no withPrincipal: only for the methods listed in NO_PRINCIPAL below).
 */
export type Requirement = { kind: "permission"; permission: string } | { kind: "signed-in" } | { kind: "public" };

export interface RouteMethod {
  method: HttpMethod;
  requirement: Requirement;
}

export interface ApiRoute {
  /** Repository-relative file. */
  file: string;
  /** Next's pattern, e.g. /api/clients/[clientId]/flows. */
  pattern: string;
  /** The pattern with every dynamic segment replaced by its placeholder value. */
  path: string;
  methods: RouteMethod[];
}

export interface PageRoute {
  file: string;
  pattern: string;
  path: string;
  /** Pages the front door serves without a session (the sign-in page). */
  public: boolean;
}

/**
 * Methods that deliberately do not call withPrincipal, and what the front door makes of them:
 * "public" paths are served to anyone (engine/server/http/gate.ts PUBLIC_PATHS); "signed-in"
 * ones are behind the front door's session check and handle the principal themselves.
 */
export const NO_PRINCIPAL: Record<string, "public" | "signed-in"> = {
  "GET /api/health": "public",
  "POST /api/auth/login": "public",
  "POST /api/auth/logout": "signed-in",
  // Agents fetch locally served tools without a session; the unguessable token is the credential.
  "GET /api/tools/download/[token]": "public",
};

/** Placeholder values for dynamic segments: well-formed ids of objects that do not exist. */
export const PLACEHOLDERS: Record<string, string> = {
  clientId: "C.0123456789abcdef",
  flowId: "F.0123456789ABC",
  uploadId: "U1",
  notebookId: "N.0123456789ABC",
  cellId: "NC.0123456789ABC",
  tableId: "T.0123456789ABC",
  alertId: "A.0123456789ABC",
  huntId: "H.0123456789ABC",
  role: "no-such-role-matrix",
  name: "Custom.Security.Matrix.Placeholder",
  id: "K0123456789",
  username: "no-such-user-matrix",
  token: "0".repeat(64),
};

/** Pages the front door serves without a session. */
const PUBLIC_PAGES = new Set(["/login"]);

function walk(root: string, dir: string, name: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(root, p, name));
    else if (e.name === name) out.push(p.split(sep).join("/"));
  }
  return out.sort();
}

/** `app/api/a/[b]/route.ts` → `/api/a/[b]`; route groups `(x)` drop out. */
function patternOf(file: string): string {
  const segs = file.replace(/^app\//, "").split("/").slice(0, -1).filter((s) => !/^\(.*\)$/.test(s));
  return "/" + segs.join("/");
}

function fill(pattern: string, problems: string[], file: string): string {
  return pattern.replace(/\[([^\]]+)\]/g, (_m, param: string) => {
    const v = PLACEHOLDERS[param];
    if (!v) {
      problems.push(`${file}: the dynamic segment [${param}] has no placeholder value in PLACEHOLDERS`);
      return "x";
    }
    return encodeURIComponent(v);
  });
}

/** Splits a route file into its top-level exports: name → the text up to the next export. */
function exportsOf(text: string): Array<{ name: string; kind: string; body: string }> {
  const re = /^export\s+(async\s+function|function|const|let|var|class|default|\{|type|interface)\s*([A-Za-z_$][\w$]*)?/gm;
  const hits = [...text.matchAll(re)];
  return hits.map((m, i) => ({ kind: m[1]!.replace(/\s+/g, " "), name: m[2] ?? "", body: text.slice(m.index!, hits[i + 1]?.index ?? text.length) }));
}

function requirementOf(body: string): { requirement?: Requirement; problem?: string } {
  const calls = [...body.matchAll(/withPrincipal\(\s*([^,\s)]+)/g)].map((m) => m[1]!);
  if (!calls.length) return {};
  const distinct = [...new Set(calls)];
  if (distinct.length > 1) return { problem: `calls withPrincipal with different permissions (${distinct.join(", ")})` };
  const arg = distinct[0]!;
  if (arg === "undefined") return { requirement: { kind: "signed-in" } };
  const m = /^"([A-Z_]+)"$/.exec(arg);
  if (!m) return { problem: `passes ${arg} to withPrincipal: the matrix needs a permission literal or undefined` };
  return { requirement: { kind: "permission", permission: m[1]! } };
}

export function readApiRoutes(root: string, knownPermissions: readonly string[]): { routes: ApiRoute[]; problems: string[] } {
  const problems: string[] = [];
  const routes: ApiRoute[] = [];
  const seen = new Set<string>();
  for (const file of walk(root, "app/api", "route.ts")) {
    const text = readFileSync(join(root, file), "utf8");
    const pattern = patternOf(file);
    const methods: RouteMethod[] = [];
    for (const ex of exportsOf(text)) {
      if ((ex.kind === "const" || ex.kind === "let") && ROUTE_CONFIG.has(ex.name)) continue;
      if (ex.kind === "type" || ex.kind === "interface") continue;
      if (!(HTTP_METHODS as readonly string[]).includes(ex.name) || !ex.kind.includes("function")) {
        problems.push(`${file}: \`export ${ex.kind} ${ex.name}\` is not an HTTP method function this reader understands`);
        continue;
      }
      const key = `${ex.name} ${pattern}`;
      seen.add(key);
      const { requirement, problem } = requirementOf(ex.body);
      if (problem) problems.push(`${file} ${ex.name}: ${problem}`);
      else if (requirement) {
        if (requirement.kind === "permission" && !knownPermissions.includes(requirement.permission)) problems.push(`${file} ${ex.name}: unknown permission ${requirement.permission}`);
        if (NO_PRINCIPAL[key]) problems.push(`${file} ${ex.name}: calls withPrincipal but is listed in NO_PRINCIPAL; remove it there`);
        methods.push({ method: ex.name as HttpMethod, requirement });
      } else if (NO_PRINCIPAL[key]) {
        methods.push({ method: ex.name as HttpMethod, requirement: NO_PRINCIPAL[key] === "public" ? { kind: "public" } : { kind: "signed-in" } });
      } else {
        problems.push(`${file} ${ex.name}: does not call withPrincipal(); add it, or list "${key}" in NO_PRINCIPAL with the reason`);
      }
    }
    if (!methods.length && !problems.some((p) => p.startsWith(file))) problems.push(`${file}: exports no HTTP method`);
    routes.push({ file, pattern, path: fill(pattern, problems, file), methods });
  }
  for (const key of Object.keys(NO_PRINCIPAL)) if (!seen.has(key)) problems.push(`NO_PRINCIPAL lists "${key}", which no route file exports`);
  return { routes, problems };
}

export function readPages(root: string): { pages: PageRoute[]; problems: string[] } {
  const problems: string[] = [];
  const pages = walk(root, "app", "page.tsx").map((file) => {
    const pattern = patternOf(file).replace(/\/$/, "") || "/";
    return { file, pattern, path: fill(pattern, problems, file), public: PUBLIC_PAGES.has(pattern) };
  });
  return { pages, problems };
}

/**
 * Sample topics on /api/ws/ui per registered prefix, and who may subscribe: "read" (any role
 * holding READ_RESULTS), "creator" (only the creator of the private notebook the spec makes),
 * "nobody" (a malformed topic of the prefix). `$NOTEBOOK` is the spec's private notebook,
 * `$ADMIN` the administrator's user name ("creator": only the administrator).
 */
export const TOPIC_SAMPLES: Record<string, Array<{ topic: string; who: "read" | "creator" | "nobody" }>> = {
  notebook: [
    { topic: "notebook:$NOTEBOOK", who: "creator" },
    { topic: "notebook:N.0123456789ABC", who: "nobody" },
    { topic: "notebook:../etc", who: "nobody" },
  ],
  artifacts: [{ topic: "artifacts", who: "read" }],
  alerts: [
    { topic: "alerts", who: "read" },
    { topic: "alerts:x", who: "nobody" },
  ],
  clients: [
    { topic: "clients", who: "read" },
    { topic: "clients:x", who: "nobody" },
  ],
  client: [
    { topic: "client:C.0123456789abcdef", who: "read" },
    { topic: "client:not-a-client", who: "nobody" },
  ],
  flows: [
    { topic: "flows:C.0123456789abcdef", who: "read" },
    { topic: "flows:C.XYZ", who: "nobody" },
  ],
  events: [
    { topic: "events:Server.Internal.Alerts", who: "read" },
    { topic: "events:", who: "nobody" },
  ],
  hunts: [
    { topic: "hunts", who: "read" },
    { topic: "hunts:x", who: "nobody" },
  ],
  hunt: [
    { topic: "hunt:H.0123456789ABC", who: "read" },
    { topic: "hunt:not-a-hunt", who: "nobody" },
  ],
  // A user's own messages: `$ADMIN` is the administrator's name, so only the administrator may.
  messages: [
    { topic: "messages:$ADMIN", who: "creator" },
    { topic: "messages:nobody-here", who: "nobody" },
    { topic: "messages", who: "nobody" },
  ],
};

/** Topic prefixes registered with `ui.authorize(...)` anywhere under engine/server. */
export function readTopicPrefixes(root: string): { prefixes: string[]; problems: string[] } {
  const problems: string[] = [];
  const files = walkTs(root, "engine/server");
  const constants = new Map<string, string>();
  for (const f of files) for (const m of readFileSync(join(root, f), "utf8").matchAll(/export const ([A-Z_]+)\s*=\s*"([^"]+)"/g)) constants.set(m[1]!, m[2]!);
  const prefixes = new Set<string>();
  for (const f of files) {
    if (f.endsWith(".test.ts")) continue;
    for (const m of readFileSync(join(root, f), "utf8").matchAll(/\.authorize\(\s*([^,\s)]+)\s*,/g)) {
      const arg = m[1]!;
      const lit = /^"([^"]+)"$/.exec(arg)?.[1] ?? constants.get(arg);
      if (lit) prefixes.add(lit);
      else problems.push(`${f}: ui.authorize(${arg}, ...) — the prefix is neither a string literal nor an exported string constant`);
    }
  }
  return { prefixes: [...prefixes].sort(), problems };
}

function walkTs(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walkTs(root, p));
    else if (/\.ts$/.test(e.name)) out.push(relative(root, join(root, p)).split(sep).join("/"));
  }
  return out;
}

export function describeRequirement(r: Requirement): string {
  return r.kind === "permission" ? r.permission : r.kind;
}
