// YARA scans off the query's thread: libyara-wasm runs in one worker thread (yara-worker.mjs),
// one scan at a time. Its WebAssembly heap fragments until scans of varying sizes fail with
// "not enough memory" or abort (measured: about 800 MiB of random-sized buffers up to 8 MiB),
// and a module cannot be freed in-thread, so the worker is replaced after 256 MiB scanned, after
// any failure, and when it has been idle for 30 s. An aborted scan terminates the worker, so a
// long scan really stops.
import { Worker } from "node:worker_threads";

export interface YaraScan {
  errors: Array<{ line: number; message: string; warning: boolean }>;
  rules: Array<{ name: string; meta: Array<[string, unknown]>; matches: Array<{ id: string; location: number; length: number }> }>;
}

const ENTRY = new URL("./yara-worker.mjs", import.meta.url);
const RECYCLE_BYTES = 256 * 1024 * 1024;
const IDLE_MS = 30_000;

interface Job {
  data: Uint8Array;
  rules: string;
  signal: AbortSignal;
  resolve(r: YaraScan): void;
  reject(e: unknown): void;
}

let worker: Worker | undefined;
let ready: Promise<void> | undefined;
let scanned = 0;
let idle: NodeJS.Timeout | undefined;
let busy = false;
const queue: Job[] = [];
let nextId = 1;

function retire(): void {
  const w = worker;
  worker = undefined;
  ready = undefined;
  scanned = 0;
  if (w) void w.terminate();
}

function start(): Promise<void> {
  if (ready) return ready;
  const w = new Worker(ENTRY);
  worker = w;
  w.unref();
  ready = new Promise<void>((resolve, reject) => {
    const onMessage = (m: { ready?: boolean }) => {
      if (m.ready) {
        w.off("message", onMessage);
        resolve();
      }
    };
    w.on("message", onMessage);
    w.once("error", (e) => {
      if (worker === w) retire();
      reject(e);
    });
    w.once("exit", () => {
      if (worker === w) retire();
    });
  });
  return ready;
}

async function pump(): Promise<void> {
  if (busy) return;
  const job = queue.shift();
  if (!job) {
    clearTimeout(idle);
    idle = setTimeout(retire, IDLE_MS).unref();
    return;
  }
  busy = true;
  clearTimeout(idle);
  try {
    job.signal.throwIfAborted();
    if (scanned > RECYCLE_BYTES) retire();
    await start();
    const w = worker!;
    const id = nextId++;
    scanned += job.data.byteLength;
    const copy = new Uint8Array(job.data);
    const result = await new Promise<YaraScan>((resolve, reject) => {
      const onAbort = () => {
        cleanup();
        retire();
        reject(job.signal.reason);
      };
      const onMessage = (m: { id?: number; fail?: string } & Partial<YaraScan>) => {
        if (m.id !== id) return;
        cleanup();
        if (m.fail !== undefined) {
          retire();
          reject(new Error(m.fail));
        } else resolve({ errors: m.errors ?? [], rules: m.rules ?? [] });
      };
      const onExit = () => {
        cleanup();
        reject(new Error("the YARA worker stopped"));
      };
      const cleanup = () => {
        job.signal.removeEventListener("abort", onAbort);
        w.off("message", onMessage);
        w.off("exit", onExit);
      };
      job.signal.addEventListener("abort", onAbort, { once: true });
      w.on("message", onMessage);
      w.once("exit", onExit);
      w.postMessage({ id, data: copy.buffer, rules: job.rules }, [copy.buffer]);
    });
    job.resolve(result);
  } catch (err) {
    job.reject(err);
  } finally {
    busy = false;
    void pump();
  }
}

/** Scans `data` with `rules` (compiled for this scan); rejects when aborted or the scan failed. */
export function yaraScan(data: Uint8Array, rules: string, signal: AbortSignal): Promise<YaraScan> {
  return new Promise<YaraScan>((resolve, reject) => {
    queue.push({ data, rules, signal, resolve, reject });
    void pump();
  });
}
