// collect(): runs artifacts in this query and writes an offline-collection container at
// `output` (collect-container.ts: Velociraptor's layout, which its import and Talon's
// import_collection() read); without `output`, passes the rows on with `_Source`. Velociraptor's
// vql/tools/collector: artifacts from the query's own `Artifact.X` plugins or from
// `artifact_definitions`, parameters from `args` keyed by artifact name, preconditions checked,
// upload() inside the collected sources stored in the container, one `{Container, Error}` row at
// the end. Differences are in docs/vql-differences.md.
import { randomBytes } from "node:crypto";
import { arg, abortable, definePlugin, defineFunction, dictGet, dictKeys, isDictLike, OrderedDict, toJsonValue, untilAborted, type BuiltinContext, type FunctionBuiltin, type PluginLike } from "@/engine/vql";
import { artifactCallPlugin, artifactOfPlugin, loadArtifact, type Artifact } from "@/engine/artifacts";
import { accessorProblem } from "@/engine/endpoint/builtins/values";
import type { FileSink } from "@/engine/endpoint/builtins/system";
import { Container, escapeComponent } from "./collect-container";
import { agentHost } from "./host";
import { uploadFunction } from "./upload";
import { writeProtected } from "./collect-encrypt";
import { Spool } from "./collect-spool";
import { writerOf } from "./write";

/** The scope variable naming the container a collected source's upload() writes to. */
const MARKER = "_TalonCollectContainer";
const CONTAINERS = Symbol("collect containers");
const NAME = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
const PARAM = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORMATS: Record<string, { json: boolean; csv: boolean }> = {
  "": { json: true, csv: false },
  json: { json: true, csv: false },
  jsonl: { json: true, csv: false },
  csv: { json: true, csv: true },
  csv_only: { json: false, csv: true },
};

interface Query {
  name: string;
  source: string;
  vql: string;
}

/** Velociraptor's flow ids: `F.` and 13 base32 characters. */
function newFlowId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return "F." + Array.from(randomBytes(13), (b) => alphabet[b & 31]).join("");
}

/** Result names as Talon's server names them: `Artifact` for one unnamed source, else `Artifact/Source`. */
function queriesOf(a: Artifact): Query[] {
  const withQuery = a.sources.filter((s) => s.query);
  return withQuery.map((s, i) => ({
    name: s.name ? `${a.name}/${s.name}` : withQuery.length === 1 ? a.name : `${a.name}/${i}`,
    source: s.name,
    vql: s.query!.text,
  }));
}

/** The container registry of this run, and the upload() that writes into them (installed once per run). */
function containersOf(ctx: BuiltinContext): Map<string, Container> {
  return ctx.runShared(CONTAINERS, () => {
    const map = new Map<string, Container>();
    const fallback = ctx.builtin("function", "upload") as FunctionBuiltin | undefined;
    ctx.override("function", "upload", containerUpload(map, fallback ?? uploadFunction));
    return map;
  });
}

function containerUpload(map: Map<string, Container>, fallback: FunctionBuiltin): FunctionBuiltin {
  return defineFunction({
    ...uploadFunction,
    args: uploadFunction.args as typeof uploadFunction.args,
    async run(args, ctx, rest) {
      const key = await ctx.lookup(MARKER);
      const container = typeof key === "string" ? map.get(key) : undefined;
      if (!container) return fallback.run(args, ctx, rest);
      const { file, name, accessor } = args as { file: string; name?: string; accessor: string };
      const problem = accessorProblem(accessor, "upload");
      if (problem) {
        ctx.log("ERROR", problem);
        return null;
      }
      const fs = agentHost(ctx.host).system.fs;
      try {
        const r = await container.upload(file, accessor || "auto", name || file, () => abortable(fs.read(file, { signal: ctx.signal }), ctx.signal));
        ctx.log("INFO", `Collecting file ${file} into ${r.StoredName} (${r.Size} bytes)`);
        container.log("DEFAULT", `Collecting file ${file} into ${r.StoredName} (${r.Size} bytes)\n`);
        return new OrderedDict(Object.entries(r));
      } catch (err) {
        ctx.signal.throwIfAborted();
        ctx.log("ERROR", `upload: ${(err as Error).message}`);
        return null;
      }
    },
  });
}

/** `args` as {artifact: {parameter: value}}: a dict keyed by artifact name, or Velociraptor's ArtifactSpec list. */
function specsOf(args: unknown): Map<string, Map<string, unknown>> {
  const out = new Map<string, Map<string, unknown>>();
  if (args === undefined || args === null) return out;
  const list = Array.isArray(args) ? args : [args];
  if (list.every((s) => isDictLike(s) && dictGet(s, "artifact") !== undefined)) {
    for (const s of list as Array<Record<string, unknown>>) {
      const params = new Map<string, unknown>();
      const env = (toJsonValue(dictGet(s, "parameters")) as { env?: Array<{ key: string; value: unknown }> } | null)?.env ?? [];
      for (const e of env) params.set(String(e.key), e.value);
      out.set(String(dictGet(s, "artifact")), params);
    }
    return out;
  }
  if (!isDictLike(args)) throw new Error("Parameter 'args' should be a dict");
  for (const name of dictKeys(args)) {
    const v = dictGet(args, name);
    const params = new Map<string, unknown>();
    if (isDictLike(v)) for (const k of dictKeys(v)) params.set(k, dictGet(v, k));
    out.set(name, params);
  }
  return out;
}

/** YAML texts (or dicts) of artifact_definitions, loaded. */
function definitionsOf(defs: unknown): Artifact[] {
  if (defs === undefined || defs === null) return [];
  const out: Artifact[] = [];
  for (const d of Array.isArray(defs) ? defs : [defs]) {
    const text = typeof d === "string" ? d : JSON.stringify(toJsonValue(d));
    const loaded = loadArtifact(text, { skipVql: true });
    if (!loaded.artifact) throw new Error(`artifact_definitions: ${loaded.diagnostics.find((x) => x.severity === "error")?.message ?? "not an artifact definition"}`);
    out.push(loaded.artifact);
  }
  return out;
}

/** The plugin of `Artifact.<name>` as this query resolves it. */
function scopePlugin(ctx: BuiltinContext, name: string): PluginLike | undefined {
  return NAME.test(name) ? ctx.resolvePlugin?.(`Artifact.${name}`) : undefined;
}

/** JSON with nanosecond times as exact integers (they pass 2^53). */
function jsonWithNanos(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `__ns__${v}` : v), 1).replace(/"__ns__(\d+)"/g, "$1");
}

export const collectPlugin = definePlugin({
  name: "collect",
  category: "client",
  doc: "Collects artifacts into an offline-collection ZIP at `output` (results, logs and uploads in Velociraptor's container layout); without output, passes their rows on with `_Source`.",
  args: {
    artifacts: arg.list(arg.string()).required().doc("The artifacts to collect."),
    output: arg.string().doc("The container ZIP to write (without it, the rows are passed on)."),
    report: arg.string().doc("Deprecated and ignored, as in Velociraptor."),
    args: arg.any().doc('Parameters, keyed by artifact: {"Custom.Artifact.Name": {"arg": "value"}}.'),
    password: arg.string().doc("Protects the container: data.zip inside it, encrypted with AES-256 (WinZip AES, as Velociraptor writes it)."),
    format: arg.string().doc("json or jsonl (the default), csv (CSV and JSON), csv_only."),
    artifact_definitions: arg.any().doc("Further artifacts (YAML text or dicts) that `artifacts` may name."),
    template: arg.string().doc("Accepted for compatibility (no HTML report is written)."),
    level: arg.int().doc("Compression level, 0 (stored) to 9 (default 5)."),
    ops_per_sec: arg.int().doc("Accepted for compatibility (deprecated in Velociraptor)."),
    cpu_limit: arg.float().doc("Accepted for compatibility (not applied)."),
    iops_limit: arg.float().doc("Accepted for compatibility (not applied)."),
    progress_timeout: arg.float().doc("Accepted for compatibility (not applied)."),
    timeout: arg.float().doc("Seconds the whole collection may take; it is stopped then and the container closed."),
    metadata: arg.any().doc("Rows stored as metadata.json in the container."),
    concurrency: arg.int().doc("Accepted for compatibility (artifacts are collected one after the other)."),
    remapping: arg.string().doc("Refused: Talon has no accessor remapping."),
  },
  permissions: ["FILESYSTEM_WRITE"],
  platforms: ["client"],
  async *run(a, ctx) {
    const fail = (msg: string) => ctx.log("ERROR", `collect: ${msg}`);
    if (a.remapping) return void fail("remapping: Talon has no accessor remapping");
    const format = FORMATS[a.format ?? ""];
    if (!format) return void fail(`Unknown format parameter ${a.format} either 'json', 'jsonl', 'csv' or 'csv_only'.`);

    // What to run: each artifact's definition and its plugin.
    let local: Artifact[];
    let specs: Map<string, Map<string, unknown>>;
    try {
      local = definitionsOf(a.artifact_definitions);
      specs = specsOf(a.args);
    } catch (err) {
      return void fail((err as Error).message);
    }
    const localByName = new Map(local.map((d) => [d.name, d]));
    const lookupLocal = (n: string) => localByName.get(n);
    const targets: Array<{ artifact: Artifact; plugin: PluginLike }> = [];
    for (const name of new Set([...a.artifacts, ...specs.keys()])) {
      const plugin = lookupLocal(name) ? artifactCallPlugin(lookupLocal, `Artifact.${name}`) : scopePlugin(ctx, name);
      const artifact = artifactOfPlugin(plugin);
      if (!plugin || !artifact) {
        return void fail(
          a.artifacts.includes(name)
            ? `Unknown artifact ${name}`
            : `Parameter 'args' refers to an unknown artifact (${name}). The 'args' parameter should be of the form {"Custom.Artifact.Name":{"arg":"value"}}`,
        );
      }
      const missing = artifact.requiredPermissions.filter((p) => ctx.permissions && !ctx.permissions.has(p));
      if (missing.length) return void fail(`Permission denied: ${missing.join(", ")} (${name})`);
      if (a.artifacts.includes(name)) targets.push({ artifact, plugin });
    }

    const timeout = new AbortController();
    const signal = AbortSignal.any([ctx.signal, timeout.signal]);
    const timer = a.timeout && a.timeout > 0 ? setTimeout(() => timeout.abort(new Error("collection timeout")), a.timeout * 1000) : undefined;
    const started = Date.now();
    const sessionId = newFlowId();
    let container: Container | undefined;
    let key: string | undefined;
    let spoolDir: string | undefined;
    let spools = 0;
    let outer: FileSink | undefined;
    let dataPath = "";
    let metadataText: string | undefined;
    const writer = a.output ? writerOf(ctx) : undefined;
    try {
      if (a.output) {
        const w = writer;
        if (!w) return;
        let sink;
        try {
          sink = await untilAborted(w.open(a.output, {}), ctx.signal, (late) => late.close());
          if (a.password) {
            // The container goes to a temp file first; the protected ZIP wraps it at the end.
            outer = sink;
            spoolDir = await untilAborted(w.mkdtemp(), ctx.signal);
            dataPath = `${spoolDir}/data.zip`;
            sink = await untilAborted(w.open(dataPath, { mode: 0o600 }), ctx.signal, (late) => late.close());
            ctx.log("INFO", "Will password protect container");
          }
        } catch (err) {
          await outer?.close().catch(() => {});
          ctx.signal.throwIfAborted();
          return void fail((err as Error).message);
        }
        container = new Container(sink, ctx.signal, a.level ?? 5);
        key = `${sessionId}:${randomBytes(4).toString("hex")}`;
        containersOf(ctx).set(key, container);
        if (a.metadata !== undefined) {
          const rows: unknown[] = [];
          for await (const r of ctx.toQuery(a.metadata).rows()) rows.push(toJsonValue(r));
          // Protected containers keep it outside data.zip, in the clear, as Velociraptor does.
          if (a.password) metadataText = JSON.stringify(rows, null, 1);
          else container.addJson("metadata.json", rows);
        }
        ctx.log("INFO", `Will create container at ${a.output}`);
      }
      const say = (level: "INFO" | "WARN" | "ERROR", msg: string) => {
        ctx.log(level, msg);
        container?.log(level === "INFO" ? "DEFAULT" : level, `${msg}\n`);
      };
      const marker = key;
      const withMarker = (env?: OrderedDict | Record<string, unknown>) => {
        if (!marker) return env;
        if (env instanceof OrderedDict) {
          const copy = new OrderedDict(env.entries());
          copy.set(MARKER, marker);
          return copy;
        }
        return { ...(env ?? {}), [MARKER]: marker };
      };
      const sub = Object.create(ctx, { runQuery: { value: (src: string, env?: OrderedDict | Record<string, unknown>) => ctx.runQuery(src, withMarker(env)) } }) as BuiltinContext;

      const withResults: string[] = [];
      const queryStats: unknown[] = [];
      const requests: unknown[] = [];
      let totalRows = 0;
      let timedOut = false;
      for (const [i, { artifact, plugin }] of targets.entries()) {
        if (timedOut) break;
        const given: Record<string, unknown> = {};
        const spec = specs.get(artifact.name);
        for (const p of artifact.parameters) {
          if (!spec?.has(p.name)) continue;
          if (!PARAM.test(p.name)) continue;
          given[p.name] = spec.get(p.name);
        }
        const queries = queriesOf(artifact);
        requests.push({
          session_id: sessionId,
          request_id: i + 1,
          VQLClientAction: {
            env: Object.entries(given).map(([k, v]) => ({ key: k, value: typeof v === "string" ? v : JSON.stringify(toJsonValue(v)) })),
            Query: queries.map((q) => ({ Name: q.name, VQL: q.vql })),
          },
        });
        const stat = { status: 0, names_with_response: [] as string[], log_rows: 0, result_rows: 0, duration: 0 };
        const queryStart = Date.now();
        // Several unnamed sources cannot be picked one by one: they run together under the first's name.
        const runs = queries.some((q) => !q.source) && queries.length > 1 ? [{ ...queries[0]!, source: "", all: true }] : queries.map((q) => ({ ...q, all: false }));
        for (const q of runs) {
          say("INFO", `Starting collection of ${q.name}`);
          const args = { ...given, preconditions: true, ...(q.source && !q.all ? { source: q.source } : {}) };
          let spool: Spool | undefined;
          if (container && writer) {
            spoolDir ??= await untilAborted(writer.mkdtemp(), ctx.signal);
            spool = await Spool.open(writer, spoolDir, ++spools, format, ctx.signal);
          }
          const openSpool = spool;
          try {
            const produced = plugin.run(args as never, sub, []) as AsyncIterable<unknown>;
            for await (const row of abortable(produced, signal)) {
              if (spool) await spool.write(row);
              else {
                const out = new OrderedDict(row instanceof OrderedDict ? row.entries() : Object.entries(row as object));
                out.set("_Source", q.name);
                yield out;
              }
              stat.result_rows++;
            }
          } catch (err) {
            await openSpool?.close().catch(() => {});
            if (ctx.signal.aborted) throw err;
            if (!timeout.signal.aborted) throw err;
            timedOut = true;
            say("ERROR", `collect: Timeout Error: Collection timed out after ${((Date.now() - started) / 1000).toFixed(3)}s`);
            stat.status = 1;
          }
          let collected = 0;
          if (container && spool) {
            await spool.close();
            collected = spool.rows;
            // One member per query name: `A/S` is one component, so its `/` is escaped (`A%2FS.json`).
            const member = `results/${escapeComponent(q.name)}`;
            const fs = agentHost(ctx.host).system.fs;
            const json = spool.reader(fs, "json");
            const csv = spool.reader(fs, "csv");
            if (json) {
              container.addStream(`${member}.json`, json);
              container.add(`${member}.json.index`, spool.index());
            }
            if (csv) container.addStream(`${member}.csv`, csv);
          }
          if (collected > 0) {
            stat.names_with_response.push(q.name);
            withResults.push(q.name);
            say("INFO", `Collected ${collected} rows for ${q.name}`);
          }
          totalRows += collected;
          if (timedOut) break;
        }
        stat.duration = (Date.now() - queryStart) * 1_000_000;
        queryStats.push(stat);
      }

      if (!container) return;
      const info: Record<string, unknown> = {};
      try {
        for await (const r of ctx.runQuery("SELECT * FROM info()")) Object.assign(info, toJsonValue(r) as object);
      } catch {
        // No info() here: the container has no host details.
      }
      const ns = BigInt(started) * 1_000_000n;
      container.add(
        "collection_context.json",
        jsonWithNanos({
          session_id: sessionId,
          request: {
            artifacts: targets.map((t) => t.artifact.name),
            specs: [...specs].map(([artifact, p]) => ({ artifact, parameters: { env: [...p].map(([k, v]) => ({ key: k, value: typeof v === "string" ? v : JSON.stringify(toJsonValue(v)) })) } })),
          },
          create_time: ns,
          start_time: ns,
          total_uploaded_files: container.uploadCount,
          total_expected_uploaded_bytes: container.totalUploadedBytes,
          total_uploaded_bytes: container.totalUploadedBytes,
          total_collected_rows: totalRows,
          total_requests: targets.length,
          state: timedOut ? 3 : 2,
          ...(timedOut ? { status: "Collection timed out" } : {}),
          artifacts_with_results: withResults,
          query_stats: queryStats,
        }),
      );
      container.addJson("requests.json", { items: requests });
      if (local.length) container.addJson("custom_artifacts.json", local.map((d) => ({ name: d.name, type: d.type, description: d.description })));
      container.addJson("client_info.json", { ...info, Name: "talon", BuildTime: "", build_url: "" });
      let error = await container.close();
      containersOf(ctx).delete(key!);
      container = undefined;
      if (outer) {
        const sink = outer;
        outer = undefined;
        try {
          if (!error) await writeProtected({ sink, fs: agentHost(ctx.host).system.fs, dataPath, password: a.password!, metadata: metadataText, signal: ctx.signal });
        } catch (err) {
          ctx.signal.throwIfAborted();
          error = err as Error;
        } finally {
          await sink.close().catch((err: Error) => (error ??= err));
        }
      }
      yield new OrderedDict([
        ["Container", a.output],
        ["Error", error ? error.message : null],
      ]);
    } finally {
      if (timer) clearTimeout(timer);
      if (container) {
        containersOf(ctx).delete(key!);
        await container.abandon();
      }
      if (outer) await outer.close().catch(() => {});
      // The spooled results are in the container now (or no longer wanted).
      if (spoolDir && writer) {
        const removed = writer.remove(spoolDir, { recursive: true }).catch(() => {});
        if (!ctx.signal.aborted) await removed;
      }
    }
  },
});
