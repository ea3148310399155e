// execve(): runs a program without a shell and streams its output in rows of at most maxBytes
// of stdout/stderr each, ending with a row carrying the return code. Killed on abort.
import { spawn } from "node:child_process";
import type { ExecOptions, ExecResult } from "../system";

export async function* runProgram(argv: string[], o: ExecOptions): AsyncIterable<ExecResult> {
  if (!argv.length) throw new Error("execve needs a program to run");
  const child = spawn(argv[0]!, argv.slice(1), { cwd: o.cwd, env: o.env ? { ...process.env, ...o.env } : process.env, stdio: ["ignore", "pipe", "pipe"], signal: o.signal });
  const queue: ExecResult[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: Error | undefined;
  const push = (r: ExecResult) => {
    queue.push(r);
    wake?.();
  };
  const buffers = { out: "", err: "" };
  const max = Math.max(1, o.maxBytes);
  // A row whenever a buffer is full; the rest (and the return code) when the program ends.
  const emitFull = () => {
    while (buffers.out.length >= max || buffers.err.length >= max) {
      push({ Stdout: buffers.out.slice(0, max), Stderr: buffers.err.slice(0, max), ReturnCode: null, Complete: false });
      buffers.out = buffers.out.slice(max);
      buffers.err = buffers.err.slice(max);
    }
  };
  // With a separator (Velociraptor's pipeReader + split): complete non-empty pieces are rows at
  // once, the unfinished piece waits for more output (or fills a row at maxBytes).
  const sep = o.sep;
  const emitPieces = (key: "out" | "err", final: boolean) => {
    const pieces = buffers[key].split(sep!);
    buffers[key] = pieces.pop()!;
    for (const p of pieces) if (p.length > 0) push({ Stdout: p, Stderr: "", ReturnCode: null, Complete: false });
    while (buffers[key].length >= max || (final && buffers[key].length > 0)) {
      push({ Stdout: buffers[key].slice(0, max), Stderr: "", ReturnCode: null, Complete: false });
      buffers[key] = buffers[key].slice(max);
    }
  };
  const onData = (key: "out" | "err") => (d: Buffer) => {
    buffers[key] += d.toString("utf8");
    if (sep) emitPieces(key, false);
    else emitFull();
  };
  child.stdout!.on("data", onData("out"));
  child.stderr!.on("data", onData("err"));
  child.on("error", (err) => {
    failure = err;
    done = true;
    wake?.();
  });
  child.on("close", (code) => {
    if (sep) {
      emitPieces("out", true);
      emitPieces("err", true);
    } else emitFull();
    push({ Stdout: buffers.out, Stderr: buffers.err, ReturnCode: code, Complete: true });
    done = true;
    wake?.();
  });
  try {
    for (;;) {
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (done) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    if (failure && !o.signal.aborted) throw failure;
    o.signal.throwIfAborted();
  } finally {
    if (child.exitCode === null && !child.killed) child.kill("SIGKILL");
  }
}
