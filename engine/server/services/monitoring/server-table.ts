// Running the server event table, on one process at a time (under the lease `server-monitoring`;
// another process takes over within seconds when it dies). Each source of each SERVER_EVENT
// artifact runs as its own never-ending query, as the user who added it (that user's current
// permissions checked at every builtin; a user who is gone or disabled stops the query). Rows go
// to the journal under the source's name with `_ts` (server time, Unix seconds), logs to
// event_logs. The table is reloaded when it or any artifact changes (EventTableChange,
// ArtifactModification) and every 10 s as a backstop; a query whose compiled text, parameters
// and user are unchanged keeps running. A query that fails is restarted after 1 s, doubling to
// 60 s; one that ends by itself stays ended (as in Velociraptor). States are written to
// server_event_status so every process can show them.
import { queries } from "@/drizzle";
import { compileArtifact, resolveParameters } from "@/engine/artifacts";
import { abortableDelay, toJsonValue } from "@/engine/vql";
import {
  ARTIFACT_MODIFICATION_QUEUE,
  EVENT_TABLE_QUEUE,
  type AccountsService,
  type ArtifactsService,
  type Journal,
  type Leases,
  type QueryService,
  type ServiceDeps,
} from "@/engine/server/contracts";
import { readServerTable } from "./tables";

export const SERVER_MONITORING_LEASE = "server-monitoring";

export interface ServerTableDeps extends ServiceDeps {
  journal: Pick<Journal, "append" | "subscribe">;
  leases: Leases;
  artifacts: Pick<ArtifactsService, "get">;
  accounts: Pick<AccountsService, "principalFor">;
  queries: Pick<QueryService, "run">;
  nodeId: string;
  /** First restart pause after a failure (tests shorten it). */
  restartMs?: number;
}

interface Wanted {
  key: string;
  name: string;
  artifact: string;
  query: string;
  precondition?: string;
  parameters: Record<string, string>;
  addedBy: string;
}

interface Status {
  name: string;
  artifact: string;
  state: string;
  error: string;
  nodeId: string;
  startedAt: Date | null;
  lastRowAt: Date | null;
  rows: number;
  restarts: number;
}

const FLUSH_MS = 200;
const FLUSH_ROWS = 1000;
const MAX_RESTART_MS = 60_000;
const STATUS_EVERY_MS = 2000;

/** The queries the table asks for, by result name. */
function compileTable(spec: Record<string, unknown> | undefined, artifacts: Pick<ArtifactsService, "get">, onMissing: (artifact: string) => void): Map<string, Wanted> {
  const wanted = new Map<string, Wanted>();
  for (const e of readServerTable(spec).artifacts) {
    const a = artifacts.get(e.artifact, { exact: true });
    if (!a || a.type !== "SERVER_EVENT") {
      onMissing(e.artifact);
      continue;
    }
    const compiled = compileArtifact(a, (n) => artifacts.get(n, { exact: true }));
    compiled.sources.forEach((s, i) => {
      const name = wanted.has(s.resultName) || compiled.sources.filter((x) => x.resultName === s.resultName).length > 1 ? `${s.resultName}/${i}` : s.resultName;
      const w = { name, artifact: a.name, query: s.query, precondition: s.precondition, parameters: e.parameters, addedBy: e.addedBy };
      wanted.set(name, { ...w, key: JSON.stringify(w) });
    });
  }
  return wanted;
}

/** Runs the server event table whenever this process holds the lease, until `signal` aborts. */
export function startServerEvents(deps: ServerTableDeps, signal: AbortSignal): void {
  void deps.leases.hold(SERVER_MONITORING_LEASE, (held) => runWhileHeld(deps, held), signal).catch((err) => {
    if (!signal.aborted) deps.log.error("the server event table stopped", { error: (err as Error).message });
  });
}

async function runWhileHeld(deps: ServerTableDeps, signal: AbortSignal): Promise<void> {
  const { db } = deps.database;
  const running = new Map<string, { key: string; controller: AbortController; done: Promise<void>; status: Status }>();
  let dirty = false;
  let version = -1;

  const writeStatus = async () => {
    if (!dirty) return;
    dirty = false;
    await queries.upsertServerEventStatus(db, [...running.values()].map((r) => r.status), deps.clock.now()).catch((err) => deps.log.warn("could not store server event states", { error: (err as Error).message }));
  };

  async function reload() {
    const rec = await queries.getEventTable(db, "server");
    const wanted = compileTable(rec?.spec, deps.artifacts, (artifact) => deps.log.warn("server event table names an artifact that is missing or not SERVER_EVENT; skipped", { artifact }));
    version = rec?.version ?? 0;
    for (const [name, r] of running) {
      if (wanted.get(name)?.key === r.key) continue;
      r.controller.abort(new Error("removed from the server event table"));
      running.delete(name);
      await r.done;
    }
    for (const [name, w] of wanted) if (!running.has(name)) start(w);
    await queries.pruneServerEventStatus(db, [...wanted.keys()]);
    dirty = true;
    await writeStatus();
  }

  function start(w: Wanted) {
    const controller = new AbortController();
    const status: Status = { name: w.name, artifact: w.artifact, state: "starting", error: "", nodeId: deps.nodeId, startedAt: deps.clock.now(), lastRowAt: null, rows: 0, restarts: 0 };
    const stop = AbortSignal.any([signal, controller.signal]);
    const done = runOne(w, status, stop).catch((err) => deps.log.error("server event query stopped", { artifact: w.name, error: (err as Error).message }));
    running.set(w.name, { key: w.key, controller, done, status });
  }

  async function runOne(w: Wanted, status: Status, stop: AbortSignal) {
    let pause = deps.restartMs ?? 1000;
    const set = (state: string, error = "") => {
      status.state = state;
      status.error = error.slice(0, 10_000);
      dirty = true;
    };
    while (!stop.aborted) {
      const outcome = await runOnce(w, status, stop, set);
      if (outcome === "done" || stop.aborted) return;
      status.restarts++;
      await sleep(pause, stop);
      pause = Math.min(pause * 2, MAX_RESTART_MS);
    }
  }

  /** One run of one query; "retry" when it failed. */
  async function runOnce(w: Wanted, status: Status, stop: AbortSignal, set: (state: string, error?: string) => void): Promise<"done" | "retry"> {
    const rows: Array<Record<string, unknown>> = [];
    const logs: Array<{ at: Date; clientId: string; artifact: string; level: string; message: string }> = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = async () => {
      clearTimeout(timer);
      timer = undefined;
      const batch = rows.splice(0);
      const lines = logs.splice(0);
      if (batch.length) await deps.journal.append(w.name, batch, { clientId: "server" });
      if (lines.length) await queries.insertEventLogs(db, lines);
    };
    const log = (level: string, message: string) => {
      logs.push({ at: deps.clock.now(), clientId: "server", artifact: w.name, level, message: message.slice(0, 10_000) });
      timer ??= setTimeout(() => void flush().catch(() => {}), FLUSH_MS);
    };
    try {
      const principal = await deps.accounts.principalFor(w.addedBy);
      if (!principal) throw new Error(`${w.addedBy}, who added ${w.artifact} to the server event table, no longer exists or is disabled; add it again as an active user`);
      const a = deps.artifacts.get(w.artifact, { exact: true });
      if (!a) throw new Error(`artifact ${w.artifact} no longer exists`);
      const resolved = resolveParameters(a, w.parameters);
      if (!resolved.ok) throw new Error(resolved.error);
      for (const warning of resolved.warnings) log("WARN", warning);
      const run = (vql: string) => deps.queries.run(vql, { principal, env: resolved.env, signal: stop, adhoc: false, origin: { artifact: w.name, artifactType: "SERVER_EVENT" } });
      if (w.precondition) {
        let applies = false;
        for await (const ev of run(w.precondition)) if (ev.kind === "row") applies = true;
        if (!applies) {
          set("skipped", "its precondition returned no rows");
          log("INFO", `${w.name}: not run: its precondition returned no rows`);
          return "done";
        }
      }
      set("running");
      log("INFO", `${w.name}: server event query started as ${principal.username}`);
      let firstError = "";
      for await (const ev of run(w.query)) {
        if (ev.kind === "row") {
          const row = toJsonValue(ev.row) as Record<string, unknown>;
          const out = row && typeof row === "object" && !Array.isArray(row) ? row : { _value: row };
          rows.push({ ...out, _ts: deps.clock.now().getTime() / 1000 });
          status.rows++;
          status.lastRowAt = deps.clock.now();
          dirty = true;
          if (rows.length >= FLUSH_ROWS) await flush();
          else timer ??= setTimeout(() => void flush().catch((err) => deps.log.warn("could not store server event rows", { artifact: w.name, error: (err as Error).message })), FLUSH_MS);
        } else if (ev.kind === "log") {
          log(ev.level, ev.message);
          if (ev.level === "ERROR" && !firstError) firstError = ev.message;
        }
      }
      await flush();
      if (stop.aborted) return "done";
      if (firstError) {
        set("failed", firstError);
        log("ERROR", `${w.name}: event query ended with an error; restarting`);
        return "retry";
      }
      set("ended");
      log("INFO", `${w.name}: event query ended`);
      return "done";
    } catch (err) {
      if (stop.aborted) return "done";
      set("failed", (err as Error).message);
      log("ERROR", `${w.name}: event query failed: ${(err as Error).message}; restarting`);
      return "retry";
    } finally {
      await flush().catch(() => {});
    }
  }

  // Changes wake the reload; a 10 s check of the version covers anything missed.
  let wake: (() => void) | undefined;
  let pending = true;
  const poke = () => {
    pending = true;
    wake?.();
  };
  const follow = (queue: string) =>
    (async () => {
      for await (const _e of deps.journal.subscribe(queue, { signal })) poke();
    })().catch((err) => {
      if (!signal.aborted) deps.log.warn("server event table stopped following changes", { queue, error: (err as Error).message });
    });
  void follow(EVENT_TABLE_QUEUE);
  void follow(ARTIFACT_MODIFICATION_QUEUE);
  const statusTimer = setInterval(() => void writeStatus(), STATUS_EVERY_MS);
  const checkTimer = setInterval(() => {
    void queries.getEventTable(db, "server").then((r) => {
      if ((r?.version ?? 0) !== version) poke();
    }, () => {});
  }, 10_000);
  try {
    while (!signal.aborted) {
      if (pending) {
        pending = false;
        await reload().catch((err) => deps.log.error("could not load the server event table", { error: (err as Error).message }));
        continue;
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          wake = undefined;
          resolve();
        };
        wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
      // Let a burst of changes settle into one reload.
      await sleep(100, signal);
    }
  } finally {
    clearInterval(statusTimer);
    clearInterval(checkTimer);
    for (const r of running.values()) r.controller.abort(new Error("server event table stopping"));
    await Promise.all([...running.values()].map((r) => r.done));
    for (const r of running.values()) if (r.status.state === "running" || r.status.state === "starting") r.status.state = "stopped";
    dirty = true;
    await writeStatus();
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return abortableDelay(ms, signal).catch(() => {});
}
