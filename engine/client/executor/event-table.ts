// The agent's client event table: the CLIENT_EVENT queries it runs continuously. A new table
// replaces the old one query by query: a source whose query, parameters and permissions are
// unchanged keeps running; the others stop and start. Each query checks its precondition once
// (a source that does not apply to this endpoint logs so and does not run), streams its rows and
// log lines through an EventResponder (the outbox: acked, resent after a reconnect, kept on disk
// by `talon client`), and is restarted with a growing pause (1 s doubling to 60 s) when it fails.
// A query that ends by itself is not restarted, as in Velociraptor. The table is kept in a store
// so it runs again after the agent restarts, before the server is reached.
import { EventTableSchema, type EventTableMessage } from "../../protocol";
import type { Outbox } from "../connection/outbox";
import { abortableDelay } from "../../vql";
import { EventResponder } from "../responder/event-responder";
import { definitionsResolver } from "./definitions";
import type { SourceContext, SourceRunner } from "./types";

export interface EventTableStore {
  load(): EventTableMessage | undefined;
  save(table: EventTableMessage): void;
}

export interface EventTableOptions {
  outbox: Outbox;
  runner: SourceRunner;
  store?: EventTableStore;
  log?(level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>): void;
  /** Responder batching wait (tests shorten it). */
  maxWaitMs?: number;
  /** First restart pause after a failure (default 1 s). */
  restartMs?: number;
  /** Scope variables every query starts with (`config`); the table's own env overrides them. */
  baseEnv?: Record<string, unknown>;
  /** The agent's diagnostics, given to every event query (logging(), profile()...). */
  diagnostics?: SourceContext["diagnostics"];
}

interface Wanted {
  key: string;
  resolvePlugin?: SourceContext["resolvePlugin"];
  name: string;
  precondition?: string;
  query: string;
  env: Record<string, unknown>;
  permissions: string[];
  maxRows: number;
}

interface Running {
  key: string;
  controller: AbortController;
  done: Promise<void>;
}

const MAX_RESTART_MS = 60_000;
/** How long event rows wait on the agent to be sent together. */
export const EVENT_BATCH_WAIT_MS = 400;

export class EventTable {
  private table: EventTableMessage | undefined;
  private readonly running = new Map<string, Running>();
  private readonly responder: EventResponder;
  private stopped = false;

  constructor(private readonly o: EventTableOptions) {
    // Events wait at most 400 ms on the agent unless the table says otherwise (flows 1 s): the
    // wait is most of their lag.
    this.responder = new EventResponder(o.outbox, { maxWaitMs: o.maxWaitMs ?? EVENT_BATCH_WAIT_MS });
    let saved: EventTableMessage | undefined;
    try {
      saved = o.store?.load();
    } catch (err) {
      o.log?.("warn", "could not read the saved client event table; waiting for the server's", { error: (err as Error).message });
    }
    if (saved) this.apply(saved, { save: false });
  }

  /** The version of the table being run (reported in the hello). */
  version(): string | undefined {
    return this.table?.version;
  }

  /** Names (`Artifact` or `Artifact/Source`) of the queries running now. */
  names(): string[] {
    return [...this.running.keys()];
  }

  apply(table: EventTableMessage, opts: { save?: boolean } = {}): void {
    if (this.stopped) return;
    this.table = table;
    if (opts.save !== false) {
      try {
        this.o.store?.save(table);
      } catch (err) {
        this.o.log?.("warn", "could not save the client event table", { error: (err as Error).message });
      }
    }
    if (this.o.maxWaitMs === undefined) this.responder.setMaxWait(table.batchWaitMs ?? EVENT_BATCH_WAIT_MS);
    const wanted = new Map<string, Wanted>();
    const resolvePlugin = definitionsResolver(table.definitions);
    const definitions = JSON.stringify(table.definitions ?? []);
    for (const a of table.artifacts) {
      for (const s of a.sources) {
        const w = { name: s.name, precondition: s.precondition, query: s.query, env: a.env, permissions: [...a.permissions].sort(), maxRows: table.maxRows };
        // A query restarts when what it calls changed too.
        wanted.set(s.name, { ...w, key: JSON.stringify([w, definitions]), resolvePlugin });
      }
    }
    for (const [name, r] of this.running) {
      if (wanted.get(name)?.key === r.key) continue;
      r.controller.abort(new Error("removed from the client event table"));
      this.running.delete(name);
    }
    for (const [name, w] of wanted) if (!this.running.has(name)) this.start(w);
    this.o.log?.("info", "client event table applied", { version: table.version, queries: wanted.size });
  }

  /** Stops every query (agent shutdown) and sends what is batched. */
  async stop(): Promise<void> {
    this.stopped = true;
    const done = [...this.running.values()].map((r) => {
      r.controller.abort(new Error("agent stopping"));
      return r.done;
    });
    this.running.clear();
    await Promise.all(done);
    await this.responder.flush().catch(() => {});
    this.responder.close();
  }

  private start(w: Wanted) {
    const controller = new AbortController();
    const done = this.loop(w, controller.signal).catch((err) => this.o.log?.("error", "client event query stopped", { artifact: w.name, error: (err as Error).message }));
    this.running.set(w.name, { key: w.key, controller, done });
  }

  private async loop(w: Wanted, signal: AbortSignal) {
    let pause = this.o.restartMs ?? 1000;
    const permissions = new Set(w.permissions);
    const ctx = { flowId: "", artifact: w.name, env: this.o.baseEnv ? { ...this.o.baseEnv, ...w.env } : w.env, signal, maxRows: w.maxRows, permissions, responder: this.responder, resolvePlugin: w.resolvePlugin, diagnostics: this.o.diagnostics };
    while (!signal.aborted) {
      try {
        if (w.precondition && !(await this.o.runner.precondition(w.precondition, ctx))) {
          if (!signal.aborted) this.responder.log("INFO", `${w.name} does not apply to this endpoint (its precondition returned no rows); not running it`, w.name);
          return;
        }
        this.responder.log("INFO", `${w.name}: event query started`, w.name);
        for await (const ev of this.o.runner.run(w.query, ctx)) {
          if (ev.kind === "log") this.responder.log(ev.level, ev.message, w.name);
          else if (ev.kind === "alert") await this.responder.alert(w.name, ev);
          else await this.responder.row(w.name, ev.columns, ev.row, ev.size);
        }
        if (!signal.aborted) this.responder.log("INFO", `${w.name}: event query ended`, w.name);
        return;
      } catch (err) {
        if (signal.aborted) return;
        this.responder.log("ERROR", `${w.name}: event query failed: ${(err as Error).message}; restarting in ${Math.round(pause / 1000)} s`, w.name);
        await sleep(pause, signal);
        pause = Math.min(pause * 2, MAX_RESTART_MS);
      }
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return abortableDelay(ms, signal).catch(() => {});
}

/** Keeps the table in a JSON file (`talon client`'s state directory). */
export function fileEventTableStore(path: string, fs: { readFileSync(p: string, e: "utf8"): string; writeFileSync(p: string, d: string): void; renameSync(a: string, b: string): void; existsSync(p: string): boolean }): EventTableStore {
  return {
    load() {
      if (!fs.existsSync(path)) return undefined;
      const parsed = EventTableSchema.safeParse(JSON.parse(fs.readFileSync(path, "utf8")));
      if (!parsed.success) throw new Error(`${path} is not a client event table: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      return parsed.data;
    },
    save(table) {
      fs.writeFileSync(`${path}.tmp`, JSON.stringify(table));
      fs.renameSync(`${path}.tmp`, path);
    },
  };
}
