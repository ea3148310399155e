// Test support (node:fs; never imported by engine code): run an artifact's sources on a pooled
// endpoint the way a collection does — parameters resolved and sent as JSON, the precondition
// first, each source through the agent's VQL runner with the pool's registry — with `Artifact.X()`
// calls resolved against Talon's built-in definitions (plus any others given), and stop when the
// test has seen enough.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { artifactCallPlugin, compileArtifact, formatDiagnostic, loadArtifact, resolveParameters, type Artifact } from "@/engine/artifacts";
import { MemoryOutbox } from "@/engine/client/connection/outbox";
import { createVqlRunner } from "@/engine/client/executor/vql-runner";
import type { SourceContext } from "@/engine/client/executor/types";
import { FlowResponder } from "@/engine/client/responder/responder";
import { toJsonValue } from "@/engine/vql";
import { corpusDir } from "@/engine/vql/testdata/load-corpus";
import { poolRegistry } from "@/engine/client/pool/plugins";
import type { SyntheticSystem } from "@/engine/client/pool/system";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
export const BUILTIN_DIR = join(ROOT, "artifacts", "definitions");
export { corpusDir };

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
    });
}

export function loadArtifactFile(path: string): Artifact {
  const text = readFileSync(path, "utf8");
  const r = loadArtifact(text);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (!r.artifact || errors.length) throw new Error(errors.map((d) => formatDiagnostic(path, text, d)).join("\n"));
  return r.artifact;
}

/** `Windows.Events.Trackaccount` in the Velociraptor corpus. */
export function corpusArtifact(name: string): Artifact {
  return loadArtifactFile(join(corpusDir, ...name.split(".")) + ".yaml");
}

let builtins: Map<string, Artifact> | undefined;
export function builtinArtifacts(): Map<string, Artifact> {
  builtins ??= new Map(yamlFiles(BUILTIN_DIR).map((f) => loadArtifactFile(f)).map((a) => [a.name, a]));
  return builtins;
}

export interface RunOptions {
  parameters?: Record<string, unknown>;
  /** The collecting user's permissions (none by default). */
  permissions?: string[];
  /** Stop once this returns true for the rows so far (checked after each row). */
  until?: (rows: Array<Record<string, unknown>>) => boolean;
  /** Stop after this long whatever happened. */
  timeoutMs: number;
}

export interface RunResult {
  preconditionPassed: boolean;
  rows: Array<Record<string, unknown>>;
  logs: string[];
  /** Whether it stopped because `until` said so (not the timeout). */
  satisfied: boolean;
}

/** Runs every source of `a` on the endpoint; `Artifact.X()` resolves to the built-ins. */
export async function runOnEndpoint(system: SyntheticSystem, a: Artifact, o: RunOptions): Promise<RunResult> {
  const lookup = (n: string) => builtinArtifacts().get(n);
  const runner = createVqlRunner(system, poolRegistry(), { resolvePlugin: (n) => artifactCallPlugin(lookup, n) });
  const resolved = resolveParameters(a, o.parameters ?? {});
  if (!resolved.ok) throw new Error(resolved.error);
  const env: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(resolved.env)) env[k] = toJsonValue(v);
  const compiled = compileArtifact(a, lookup);
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error("test timeout")), o.timeoutMs);
  const ctx = (artifact: string): SourceContext => ({ flowId: "F.POOLTEST", artifact, env, signal: ac.signal, maxRows: 1_000_000, permissions: new Set(o.permissions ?? []), responder: new FlowResponder(new MemoryOutbox(), "F.POOLTEST") });
  const result: RunResult = { preconditionPassed: true, rows: [], logs: [], satisfied: false };
  try {
    for (const s of compiled.sources) {
      if (s.precondition && !(await runner.precondition(s.precondition, ctx(s.resultName)))) {
        result.preconditionPassed = false;
        continue;
      }
      try {
        for await (const e of runner.run(s.query, ctx(s.resultName))) {
          if (e.kind === "log") result.logs.push(`${e.level} ${e.message}`);
          else if (e.kind === "alert") result.logs.push(`ALERT ${e.name}`);
          else result.rows.push(e.row);
          if (e.kind === "row" && o.until?.(result.rows)) {
            result.satisfied = true;
            return result;
          }
        }
      } catch (err) {
        if (!ac.signal.aborted) throw err;
      }
    }
    return result;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}
