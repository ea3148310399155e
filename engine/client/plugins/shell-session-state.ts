// The agent's shell sessions (Velociraptor's shellManager): named long-running programs whose
// stdin is written by shell_session_control() and whose output (and the stdin written, in
// order) is read by SELECTing from the session's Query. One map per thread: a query worker's
// sessions are its own. A session lives until its program exits, its reader stops, or the
// query that started it ends (its run's signal), whichever is first.
import { END, OrderedDict, QueryValue, Timestamp, type MaybePromise, type RowStream } from "@/engine/vql";
import type { ShellProcess } from "@/engine/endpoint/builtins/system";

/** Above this many waiting rows the program's output is paused until the reader catches up. */
const HIGH_WATER = 256;
const LOW_WATER = 64;
/** After stdin is closed the program gets this long to exit by itself (Go's WaitDelay). */
export const CLOSE_GRACE_MS = 1000;

type Chunk = { stream: "Stdin" | "Stdout" | "Stderr"; data: string };

const sessions = new Map<string, ShellSession>();

export function getSession(name: string): ShellSession | undefined {
  return sessions.get(name);
}

/** Velociraptor's ShellResult row. */
function resultRow(c: Chunk): OrderedDict {
  return new OrderedDict([
    ["Stdin", c.stream === "Stdin" ? c.data : ""],
    ["Stdout", c.stream === "Stdout" ? c.data : ""],
    ["Stderr", c.stream === "Stderr" ? c.data : ""],
    ["ReturnCode", 0],
    ["Complete", false],
  ]);
}

export class ShellSession {
  TotalBytesStdin = 0;
  TotalBytesStdout = 0;
  TotalBytesStderr = 0;
  LastCommand = "";
  readonly #queue: Chunk[] = [];
  #wake: (() => void) | undefined;
  #ended = false;
  #running = false;
  #paused = false;
  #closed = false;
  #graceTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly Name: string,
    readonly Started: Timestamp,
    private readonly proc: ShellProcess,
    private readonly log: (message: string) => void,
  ) {
    sessions.set(Name, this);
    proc.onOutput((stream, data) => {
      if (stream === "Stdout") this.TotalBytesStdout += Buffer.byteLength(data);
      else this.TotalBytesStderr += Buffer.byteLength(data);
      this.#push({ stream, data });
    });
    proc.onExit((code, error) => {
      if (error) log(`shell_session: ${error.message}`);
      else if (code !== 0 && !this.#closed) log(`shell_session: command exited with ${code === null ? "a signal" : `exit status ${code}`}`);
      this.#finish();
    });
  }

  /** True once a query reads the session (only one may). */
  IsRunning(): boolean {
    return this.#running;
  }

  /** The session's output as rows: Stdin, Stdout, Stderr, ReturnCode, Complete. */
  Query(): QueryValue {
    return new SessionQuery(this);
  }

  writeStdin(data: string): void {
    if (this.#closed || this.#ended) return;
    this.TotalBytesStdin += Buffer.byteLength(data);
    this.LastCommand = data;
    this.#push({ stream: "Stdin", data });
    this.proc.write(data);
  }

  /** Closes the program's stdin; a program that has not exited a second later is killed. */
  closeStdin(): void {
    if (this.#closed || this.#ended) return;
    this.proc.closeStdin();
    this.#graceTimer ??= setTimeout(() => this.close(), CLOSE_GRACE_MS);
    this.#graceTimer.unref?.();
  }

  /** Kills the program and forgets the session; its reader gets what was already read. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.proc.kill();
    this.#finish();
  }

  toJSON(): Record<string, unknown> {
    return { Name: this.Name, Started: this.Started, LastCommand: this.LastCommand, TotalBytesStdin: this.TotalBytesStdin, TotalBytesStdout: this.TotalBytesStdout, TotalBytesStderr: this.TotalBytesStderr, IsRunning: this.#running };
  }

  /** Claims the reader's place: false when a query already reads the session. */
  startRunning(): boolean {
    if (this.#running) return false;
    this.#running = true;
    return true;
  }

  #push(c: Chunk): void {
    if (this.#ended) return;
    this.#queue.push(c);
    if (!this.#paused && this.#queue.length > HIGH_WATER) {
      this.#paused = true;
      this.proc.pause();
    }
    this.#wake?.();
  }

  #finish(): void {
    if (sessions.get(this.Name) === this) sessions.delete(this.Name);
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#ended = true;
    this.#wake?.();
  }

  /** The next row: waiting output of one stream is joined into one row, as a pipe read would. */
  next(): MaybePromise<unknown> {
    const first = this.#queue.shift();
    if (first) {
      let data = first.data;
      if (first.stream !== "Stdin") while (this.#queue[0]?.stream === first.stream) data += this.#queue.shift()!.data;
      if (this.#paused && this.#queue.length < LOW_WATER) {
        this.#paused = false;
        this.proc.resume();
      }
      return resultRow({ stream: first.stream, data });
    }
    if (this.#ended) return END;
    return new Promise<void>((resolve) => (this.#wake = resolve)).then(() => {
      this.#wake = undefined;
      return this.next();
    });
  }

  warnBusy(): void {
    this.log(`shell_session: Session ${this.Name} is already running`);
  }
}

/** Selecting from a session: the one reader controls its lifetime (stopping it ends the program). */
class SessionQuery extends QueryValue {
  constructor(private readonly session: ShellSession) {
    super();
  }

  open(): RowStream {
    const s = this.session;
    if (!s.startRunning()) {
      s.warnBusy();
      return { next: () => END, close: () => {} };
    }
    return { next: () => s.next(), close: () => s.close() };
  }

  describe(): string {
    return `shell_session(${this.session.Name})`;
  }
}
