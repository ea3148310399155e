// An installed process tracker's state (process_tracker() makes one per endpoint): the processes
// it knows by pid with start and end times and parent ids, fed by full syncs (a pslist()-like
// snapshot: processes missing from it have exited) and by start/exit updates; exited ones are
// kept until max_expiry, and at most max_size entries are kept (the oldest exited go first).
// Listeners (process_tracker_updates()) each get every update from when they subscribed.
import { OrderedDict, Timestamp, toTimestamp } from "@/engine/vql";

/** One row of a sync or update query, in Velociraptor's ProcessTrackerUpdate shape. */
export interface TrackerUpdate {
  id: string;
  parentId: string;
  updateType: string;
  start: Timestamp | null;
  end: Timestamp | null;
  data: OrderedDict;
}

interface Entry {
  id: string;
  parentId: string;
  start: Timestamp | null;
  end: Timestamp | null;
  data: OrderedDict;
}

/** A queue of update rows for one listener; `wake` resolves the listener's pending wait. */
export interface Listener {
  queue: OrderedDict[];
  wake?: () => void;
  closed: boolean;
}

/** Most update rows a listener that does not read may have waiting (older ones are dropped). */
const LISTENER_BACKLOG = 10_000;

const get = (row: unknown, key: string): unknown => (row instanceof OrderedDict ? row.get(key) : row && typeof row === "object" ? (row as Record<string, unknown>)[key] : undefined);

function time(v: unknown): Timestamp | null {
  if (v === null || v === undefined) return null;
  const t = toTimestamp(v);
  return t && !t.isZero() ? t : null;
}

/** A query row as an update; throws when it has no `id` (Velociraptor: id is required). */
export function toUpdate(row: unknown, defaultType = ""): TrackerUpdate {
  const id = get(row, "id");
  if (id === null || id === undefined || id === "") throw new Error("the row has no id column");
  const parent = get(row, "parent_id");
  const data = get(row, "data");
  return {
    id: String(id),
    parentId: parent === null || parent === undefined ? "" : String(parent),
    updateType: String(get(row, "update_type") ?? defaultType),
    start: time(get(row, "start_time")),
    end: time(get(row, "end_time")),
    data: data instanceof OrderedDict ? data : data && typeof data === "object" ? OrderedDict.fromObject(data) : new OrderedDict(),
  };
}

const ms = (t: Timestamp | null) => (t ? t.sec * 1000 + t.nsec / 1e6 : 0);

export class TrackerState {
  /** By pid; Map order is least recently synced/started first. */
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<Listener>();
  evictions = 0;
  stopped = false;

  constructor(
    readonly maxSize: number,
    readonly maxExpiryMs: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** A full snapshot at `now`: known processes not in it get `now` as their end time. */
  sync(rows: TrackerUpdate[], now: number): void {
    const seen = new Set<string>();
    const started: Entry[] = [];
    for (const u of rows) {
      seen.add(u.id);
      const old = this.entries.get(u.id);
      const sameProcess = old && !old.end && ms(old.start) === ms(u.start);
      const e: Entry = { id: u.id, parentId: u.parentId, start: u.start, end: null, data: u.data };
      this.entries.delete(u.id);
      this.entries.set(u.id, e);
      if (!sameProcess) started.push(e);
    }
    const exited: Entry[] = [];
    const at = Timestamp.fromMillis(now);
    for (const e of this.entries.values()) {
      if (!seen.has(e.id) && !e.end) {
        e.end = at;
        exited.push(e);
      }
    }
    this.housekeep(now);
    this.publish(this.updateRow("sync", { id: "", parentId: "", start: null, end: null, data: new OrderedDict([...this.entries.values()].map((e) => [e.id, this.entryRow(e)])) }));
    for (const e of started) this.publish(this.updateRow("start", e));
    for (const e of exited) this.publish(this.updateRow("exit", e));
  }

  /** One row of the update query: `start` adds the process, `exit` sets its end time. */
  apply(u: TrackerUpdate, now: number): void {
    if (u.updateType === "start") {
      const e: Entry = { id: u.id, parentId: u.parentId, start: u.start ?? Timestamp.fromMillis(now), end: null, data: u.data };
      this.entries.delete(u.id);
      this.entries.set(u.id, e);
      this.housekeep(now);
      this.publish(this.updateRow("start", e));
    } else if (u.updateType === "exit") {
      const e = this.entries.get(u.id);
      if (e) e.end = u.end ?? Timestamp.fromMillis(now);
      this.publish(this.updateRow("exit", e ? { ...e } : { id: u.id, parentId: u.parentId, start: null, end: u.end ?? Timestamp.fromMillis(now), data: u.data }));
      this.housekeep(now);
    }
  }

  /** Drops exited entries older than max_expiry, then the oldest exited (then oldest live) over max_size. */
  private housekeep(now: number): void {
    for (const [id, e] of this.entries) if (e.end && now - ms(e.end) > this.maxExpiryMs) this.evict(id);
    if (this.entries.size <= this.maxSize) return;
    const exited = [...this.entries.values()].filter((e) => e.end).sort((a, b) => ms(a.end) - ms(b.end));
    for (const e of exited) {
      if (this.entries.size <= this.maxSize) return;
      this.evict(e.id);
    }
    for (const id of this.entries.keys()) {
      if (this.entries.size <= this.maxSize) return;
      this.evict(id);
    }
  }

  private evict(id: string): void {
    this.entries.delete(id);
    this.evictions++;
  }

  /** The process entry as the process_tracker_* builtins give it. */
  entryRow(e: Entry): OrderedDict {
    const data = e.data.copy();
    data.set("Pid", e.id).set("Ppid", e.parentId).set("StartTime", e.start).set("EndTime", e.end);
    return new OrderedDict([["Id", e.id], ["ParentId", e.parentId], ["StartTime", e.start], ["EndTime", e.end], ["Data", data]]);
  }

  private updateRow(type: string, e: Entry): OrderedDict {
    return new OrderedDict([["id", e.id], ["parent_id", e.parentId], ["update_type", type], ["start_time", e.start], ["end_time", e.end], ["data", type === "sync" ? e.data : this.entryRow(e).get("Data")]]);
  }

  get(id: string, now: number): OrderedDict | undefined {
    this.housekeep(now);
    const e = this.entries.get(id);
    return e && this.entryRow(e);
  }

  all(now: number): OrderedDict[] {
    this.housekeep(now);
    return [...this.entries.values()].map((e) => this.entryRow(e));
  }

  /** The "sync" row a new listener starts with: every entry by id. */
  syncRow(now: number): OrderedDict {
    return this.updateRow("sync", { id: "", parentId: "", start: null, end: null, data: new OrderedDict(this.all(now).map((e) => [String(e.get("Id")), e])) });
  }

  subscribe(): Listener {
    const l: Listener = { queue: [], closed: this.stopped };
    if (!this.stopped) this.listeners.add(l);
    return l;
  }

  unsubscribe(l: Listener): void {
    this.listeners.delete(l);
  }

  private publish(row: OrderedDict): void {
    for (const l of this.listeners) {
      l.queue.push(row);
      if (l.queue.length > LISTENER_BACKLOG) l.queue.shift();
      l.wake?.();
    }
  }

  /** The tracker is uninstalled: listeners end after what they have queued. */
  stop(): void {
    this.stopped = true;
    for (const l of this.listeners) {
      l.closed = true;
      l.wake?.();
    }
    this.listeners.clear();
  }
}
