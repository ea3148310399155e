// The notebook super-timelines contract (Velociraptor's NotebookManager AddTimeline,
// ReadTimeline, Timelines, DeleteTimeline behind timeline_add(), timeline(), timelines() and
// timeline_delete()). A super-timeline belongs to a notebook; everything here needs the caller
// to be able to read that notebook (the notebooks service's rule: READ_RESULTS and the notebook
// created by, shared with the caller, or public), deleting also NOTEBOOK_EDITOR. Rows cross
// this seam as JSON text with their time in Unix nanoseconds (decimal text), because a query
// worker calls it over a port.
import type { Principal } from "./common";

/** One component, as Velociraptor's Timeline message: times in Unix ns (decimal text). */
export interface TimelineComponent {
  id: string;
  startTime: string;
  endTime: string;
  timestampColumn: string;
  messageColumn: string;
  timestampDescriptionColumn: string;
}

export interface SuperTimeline {
  name: string;
  timelines: TimelineComponent[];
}

export interface TimelineSpec {
  /** The component's name. */
  id: string;
  timestampColumn: string;
  messageColumn: string;
  timestampDescriptionColumn: string;
}

/** A batch of an add's rows, in arrival order: `ts[i]` (Unix ns) is the time of `rows[i]` (JSON object text). */
export interface TimelineBatch {
  firstOrd: number;
  ts: string[];
  rows: string[];
}

export interface TimelineReadRequest {
  /** Only these components (all when empty). */
  components?: string[];
  /** Not these components. */
  skip?: string[];
  /** Rows at or after this time (Unix ns); from the start when absent. */
  startNs?: string;
  /** The `cursor` of the previous page. */
  after?: TimelineReadCursor;
  limit?: number;
}

export interface TimelineReadCursor {
  ts: string;
  position: number;
  ord: number;
}

/** One merged row: its time, its component (`source`) and that component's column choices. */
export interface TimelineEvent {
  ts: string;
  source: string;
  messageColumn: string;
  timestampDescriptionColumn: string;
  row: string;
}

export interface TimelinePage {
  events: TimelineEvent[];
  /** Where the next page starts; absent on the last page. */
  cursor?: TimelineReadCursor;
}

export interface TimelinesService {
  /** The notebook's super-timelines with their components. */
  list(actor: Principal, notebookId: string): Promise<SuperTimeline[]>;
  /** Starts writing a component's rows: returns the generation the batches go to. */
  begin(actor: Principal, notebookId: string, supertimeline: string, spec: TimelineSpec): Promise<string>;
  /** Appends a batch to an unfinished generation (one bulk statement). */
  append(actor: Principal, notebookId: string, generation: string, batch: TimelineBatch): Promise<void>;
  /** Makes the generation the component's rows (replacing earlier ones) and returns the super-timeline. */
  commit(actor: Principal, notebookId: string, supertimeline: string, generation: string, spec: TimelineSpec): Promise<SuperTimeline>;
  /** Drops an unfinished generation's rows (the add failed or was cancelled). */
  discard(actor: Principal, notebookId: string, generation: string): Promise<void>;
  /** A page of the merged rows; the super-timeline is made (empty) when the notebook has none of that name, as Velociraptor's reader does. */
  read(actor: Principal, notebookId: string, supertimeline: string, req: TimelineReadRequest): Promise<TimelinePage>;
  /** Deletes one component, or every component when `component` is empty; not_found when there is no such super-timeline. */
  remove(actor: Principal, notebookId: string, supertimeline: string, component?: string): Promise<void>;
}
