// New systemd journal entries for watch_journald(): `journalctl -f -n 0 -o json --all` as a child
// process, one JSON object per line on its stdout. The child is killed when the consumer stops
// or the signal aborts; its stderr goes to the thrown error when it exits on its own. Talon does
// not parse journal files itself, so an endpoint without journalctl has no journal source.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface JournalOptions {
  files?: string[];
  signal: AbortSignal;
  /** The journalctl program (default: `journalctl` from PATH). */
  program?: string;
}

export function journalctlArgs(files: string[] | undefined): string[] {
  return ["--follow", "--lines=0", "--output=json", "--all", "--no-pager", "--quiet", ...(files ?? []).map((f) => `--file=${f}`)];
}

export async function* followJournal(o: JournalOptions): AsyncIterable<Record<string, unknown>> {
  o.signal.throwIfAborted();
  const child = spawn(o.program ?? "journalctl", journalctlArgs(o.files), { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SYSTEMD_PAGER: "", SYSTEMD_COLORS: "0" } });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString("utf8");
  });
  const failed = new Promise<never>((_, reject) => child.once("error", reject));
  failed.catch(() => {});
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const onAbort = () => child.kill("SIGKILL");
  o.signal.addEventListener("abort", onAbort, { once: true });
  const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
  try {
    const it = lines[Symbol.asyncIterator]();
    for (;;) {
      const r = await Promise.race([it.next(), failed]);
      if (r.done) break;
      const text = r.value.trim();
      if (!text) continue;
      let entry: unknown;
      try {
        entry = JSON.parse(text);
      } catch {
        continue;
      }
      if (entry && typeof entry === "object" && !Array.isArray(entry)) yield entry as Record<string, unknown>;
    }
    o.signal.throwIfAborted();
    const code = await exited;
    throw new Error(`journalctl exited with code ${code}${stderr.trim() ? `: ${stderr.trim()}` : ""}`);
  } finally {
    o.signal.removeEventListener("abort", onAbort);
    lines.close();
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
