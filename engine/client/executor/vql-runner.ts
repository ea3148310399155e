// The executor's query engine: engine/vql's runVql with the agent registry (portable + client
// builtins), the endpoint and the flow as ctx.host, and rows converted to JSON with their
// column order. Client-side VQL is not permission-checked (as in Velociraptor) except execve(),
// which needs the collecting user's EXECVE. `Artifact.X()` calls resolve through
// `resolvePlugin` when one is given (agents have no repository of their own). With `protect`,
// every builtin sees the endpoint through the protected-path guard, its refusals logged to the
// query that asked. `talon client` and the local agent run collections in query worker threads
// instead (engine/client/isolation, which uses the pieces exported here); pooled agents and the
// client event table use this runner in-process.
import { OrderedDict, parse, runVqlChunks, toJsonText, type ParseResult, type PluginLike, type Registry } from "../../vql";
import { agentRegistry } from "../plugins";
import type { AgentVqlHost } from "../plugins/host";
import { guardSystem, type PathGuard } from "@/engine/endpoint/builtins/protected-paths";
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";
import type { SourceContext, SourceEvent, SourceRunner } from "./types";

/** Every permission, except EXECVE unless the collecting user has it. */
export class AgentPermissions extends Set<string> {
  constructor(private readonly allowExecve: boolean) {
    super();
  }
  override has(p: string): boolean {
    return p !== "EXECVE" || this.allowExecve;
  }
}

const parsed = new Map<string, ParseResult>();

/** Parses once per distinct query text (pool agents run the same sources many times). */
export function parseCached(vql: string): ParseResult {
  let p = parsed.get(vql);
  if (!p) {
    p = parse(vql);
    if (parsed.size > 500) parsed.delete(parsed.keys().next().value!);
    parsed.set(vql, p);
  }
  return p;
}

/** A result row as the server receives it: JSON text and its column order. */
export function rowJson(row: unknown): { columns: string[]; text: string } {
  return { text: toJsonText(row), columns: row instanceof OrderedDict ? [...row.keys()] : Object.keys(row as object) };
}

export interface VqlRunnerOptions {
  /** Plugins for dotted names (`Artifact.X()` of artifacts the agent was given). */
  resolvePlugin?: (dottedName: string) => PluginLike | undefined;
  /** Paths no builtin may read (protected-paths.ts); absent: no check (synthetic endpoints). */
  protect?: PathGuard;
}

export function createVqlRunner(system: EndpointSystem, registry: Registry = agentRegistry(), o: VqlRunnerOptions = {}): SourceRunner {
  const options = (ctx: SourceContext) => {
    const guarded = o.protect ? guardSystem(system, o.protect, (m) => ctx.responder.log("WARN", m, ctx.artifact)) : system;
    const host: AgentVqlHost = { system: guarded, diagnostics: ctx.diagnostics, flow: { flowId: ctx.flowId, artifact: ctx.artifact, responder: ctx.responder, permissions: ctx.permissions } };
    // The portable parsers (parse_lines, split_records...) read files through the same guard.
    const files = { read: (path: string, opts: { signal: AbortSignal }) => guarded.fs.read(path, opts) };
    return { registry, env: ctx.env, signal: ctx.signal, maxRows: ctx.maxRows, permissions: new AgentPermissions(ctx.permissions.has("EXECVE")), host, files, resolvePlugin: ctx.resolvePlugin ?? o.resolvePlugin };
  };

  return {
    async precondition(vql, ctx) {
      for await (const e of runVqlChunks(parseCached(vql), options(ctx))) {
        if (e.kind === "rows" && e.rows.length) return true;
        if (e.kind === "log" && e.level === "ERROR") ctx.responder.log("ERROR", `precondition: ${e.message}`, ctx.artifact);
      }
      return false;
    },

    async *run(vql, ctx): AsyncIterable<SourceEvent> {
      for await (const e of runVqlChunks(parseCached(vql), options(ctx))) {
        switch (e.kind) {
          case "rows":
            for (const row of e.rows) {
              const { text, columns } = rowJson(row);
              yield { kind: "row", columns, row: JSON.parse(text) as Record<string, unknown>, size: text.length };
            }
            break;
          case "log":
            yield { kind: "log", level: e.level, message: e.message };
            break;
          case "alert":
            yield { kind: "alert", name: e.name, severity: e.severity, eventData: e.eventData, time: e.time };
            break;
          case "select-end":
            if (e.truncated) yield { kind: "log", level: "INFO", message: `results truncated at ${e.rows} rows` };
            break;
          case "select-start":
            break;
        }
      }
    },
  };
}
