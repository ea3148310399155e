// `Artifact.Name(args)` and `Artifact.Name.Source(args)` as VQL plugins, over any way of finding
// artifacts by name: the server's repository, or the definitions an agent was given. Parameters
// arrive as arguments (undeclared ones are refused by the binder), missing ones take their
// defaults, all are converted to their declared types; `source=` picks one source,
// `preconditions=TRUE` evaluates the preconditions (off by default, as in Velociraptor). Each
// source runs in a child scope of the calling query, with its permissions, unless the artifact
// names a user in `impersonate`: then (where the host can make that user's principal, the
// server's main thread) its sources run with that user's permissions and identity, and calling
// it needs COLLECT_SERVER, as launching a server artifact does in Velociraptor; elsewhere such
// an artifact is refused (never run with the caller's rights in its place).
import { arg, definePlugin, OrderedDict, type BuiltinContext, type PluginLike, type RunAs } from "../vql";
import { preludeOf, resolveParameters } from "./compile";
import type { Artifact, Source } from "./types";

/** Finds an artifact by its exact name. */
export type ArtifactLookup = (name: string) => Artifact | undefined;

/**
 * Runs an artifact as its `impersonate` user: that user's host and permissions, or a reason it
 * cannot (no such user, disabled).
 */
export type Impersonator = (ctx: BuiltinContext, username: string) => Promise<RunAs | string>;

export interface CallOptions {
  describe?: (a: Artifact) => string;
  impersonate?: Impersonator;
}

const DEPTH_VAR = "_ArtifactCallDepth";
const MAX_DEPTH = 8;
const cache = new WeakMap<Artifact, Map<string, PluginLike>>();
const definitionOf = new WeakMap<PluginLike, Artifact>();

/** The artifact an `Artifact.X` plugin runs (collect() reads its sources and parameters). */
export function artifactOfPlugin(p: unknown): Artifact | undefined {
  return typeof p === "object" && p !== null ? definitionOf.get(p as PluginLike) : undefined;
}

/** The plugin for `Artifact.<name>` or `Artifact.<name>.<Source>`, or undefined. `describe` gives its doc. */
export function artifactCallPlugin(lookup: ArtifactLookup, dottedName: string, describeOr?: ((a: Artifact) => string) | CallOptions): PluginLike | undefined {
  if (!dottedName.startsWith("Artifact.")) return undefined;
  const o: CallOptions = typeof describeOr === "function" ? { describe: describeOr } : (describeOr ?? {});
  const name = dottedName.slice("Artifact.".length);
  const whole = lookup(name);
  if (whole) return cached(lookup, whole, "", o);
  const cut = name.lastIndexOf(".");
  const parent = cut > 0 ? lookup(name.slice(0, cut)) : undefined;
  const source = name.slice(cut + 1);
  if (parent && parent.sources.some((s) => s.name === source)) return cached(lookup, parent, source, o);
  return undefined;
}

function cached(lookup: ArtifactLookup, a: Artifact, source: string, o: CallOptions): PluginLike {
  let m = cache.get(a);
  if (!m) cache.set(a, (m = new Map()));
  // An impersonating artifact's plugin differs with the host's impersonator (or its absence).
  const key = a.impersonate ? `${source}\u0000${o.impersonate ? "as" : "refuse"}` : source;
  let p = m.get(key);
  if (!p) {
    m.set(key, (p = makePlugin(lookup, a, source, o.describe?.(a), a.impersonate ? o.impersonate : undefined)));
    definitionOf.set(p, a);
  }
  return p;
}

function makePlugin(lookup: ArtifactLookup, a: Artifact, fixedSource: string, doc: string | undefined, impersonate: Impersonator | undefined): PluginLike {
  const args: Record<string, ReturnType<typeof arg.any>> = {
    source: arg.string().doc("Run only this source."),
    preconditions: arg.bool().doc("Evaluate the preconditions first (off by default)."),
  };
  for (const p of a.parameters) args[p.name] = arg.any().doc(p.description || `The ${p.name} parameter (${p.type || "string"}).`);
  return definePlugin({
    name: `Artifact.${a.name}${fixedSource ? `.${fixedSource}` : ""}`,
    doc: doc || `Runs the ${a.name} artifact.`,
    category: "artifact",
    args,
    permissions: a.impersonate ? [...new Set([...a.requiredPermissions, "COLLECT_SERVER"])] : a.requiredPermissions,
    async *run(given, ctx) {
      let as: RunAs | undefined;
      if (a.impersonate) {
        if (!impersonate) return void ctx.log("ERROR", `Artifact.${a.name}: it runs as \`${a.impersonate}\` (impersonate), which is only possible in a query run by the server itself, not here`);
        const who = await impersonate(ctx, a.impersonate);
        if (typeof who === "string") return void ctx.log("ERROR", `Artifact.${a.name}: cannot run as \`${a.impersonate}\`: ${who}`);
        as = who;
      }
      const depth = Number((await ctx.lookup(DEPTH_VAR)) ?? 0);
      if (depth >= MAX_DEPTH) {
        ctx.log("ERROR", `Artifact.${a.name}: artifacts call each other more than ${MAX_DEPTH} deep`);
        return;
      }
      const values: Record<string, unknown> = {};
      for (const p of a.parameters) values[p.name] = (given as Record<string, unknown>)[p.name];
      const resolved = resolveParameters(a, values);
      if (!resolved.ok) {
        ctx.log("ERROR", resolved.error);
        return;
      }
      for (const w of resolved.warnings) ctx.log("WARN", w);
      const env = { ...resolved.env, [DEPTH_VAR]: depth + 1 };
      const wanted = fixedSource || ((given as { source?: string }).source ?? "");
      const sources = wanted ? a.sources.filter((s) => s.name === wanted) : a.sources;
      if (wanted && sources.length === 0) {
        ctx.log("ERROR", `Artifact.${a.name}: no source named \`${wanted}\`; it has ${a.sources.map((s) => s.name || "(unnamed)").join(", ")}`);
        return;
      }
      const prelude = preludeOf(a, lookup);
      const checkPre = (given as { preconditions?: boolean }).preconditions === true;
      if (checkPre && a.precondition && !(await hasRows(ctx, prelude, a.precondition.text, env, as))) return;
      const maxRows = a.resources.maxRows;
      let emitted = 0;
      for (const s of sources) {
        if (!s.query) continue;
        if (checkPre && s.precondition && !(await hasRows(ctx, prelude, s.precondition.text, env, as))) continue;
        for await (const row of ctx.runQuery(`${prelude}\n${s.query.text}`, env, as)) {
          ctx.signal.throwIfAborted();
          yield tagSource(row, a, s, !fixedSource && !wanted);
          if (maxRows && ++emitted >= maxRows) return;
        }
      }
    },
  });
}

async function hasRows(ctx: BuiltinContext, prelude: string, text: string, env: Record<string, unknown>, as: RunAs | undefined): Promise<boolean> {
  for await (const _ of ctx.runQuery(`${prelude}\n${text}`, env, as)) return true;
  return false;
}

/** Rows of a named source carry `_Source` (`Artifact/Source`) when several sources run. */
function tagSource(row: unknown, a: Artifact, s: Source, many: boolean): unknown {
  if (!many || !s.name || a.sources.length < 2) return row;
  // A copy: the row may be shared with the query that produced it.
  const out = new OrderedDict(row instanceof OrderedDict ? row.entries() : Object.entries(row as object));
  out.set("_Source", `${a.name}/${s.name}`);
  return out;
}
