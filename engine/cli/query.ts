/**
 * `talon query`: run VQL locally with the portable builtins and, on Linux, the agent's (pslist(),
 * glob(), read_file()... on this machine, as `velociraptor query` does), and print the rows as json, jsonl,
 * csv or an aligned table. Parse errors exit 2 with `line:col: message`, the source line and a
 * caret; run-time log lines go to stderr. `--server URL --key K` hands the query to an injected
 * remote runner (io.remote) that yields the same events.
 */
import { configValue, parse, renderAt, runVqlChunks, createRegistry, portableBuiltins, toJsonText, type VqlEvent, type VqlChunk, type Row, type Registry, type PluginLike } from "../vql/index";
import type { Span } from "../vql/ast/types";
import { csvFieldWith } from "../server/export/csv";
import { TALON_VERSION } from "../server/version";

export interface RemoteQueryRequest {
  server: string;
  key: string;
  vql: string;
  params: Record<string, string>;
  timeoutMs?: number;
  maxRows?: number;
}

export interface QueryIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (p: string) => Promise<string>;
  /** Remote mode (`--server`): returns the same events runVql would (row events or row chunks). */
  remote?: (req: RemoteQueryRequest) => AsyncIterable<VqlEvent | VqlChunk>;
}

type Format = "json" | "jsonl" | "csv" | "table";

interface Options {
  vql?: string;
  file?: string;
  format: Format;
  params: Record<string, string>;
  timeoutMs?: number;
  maxRows?: number;
  server?: string;
  key?: string;
  help: boolean;
}

export const QUERY_HELP = `Usage: talon query [options] "<VQL>"
       talon query [options] -f file.vql

Run VQL locally and print the rows: the portable builtins and, on Linux, the agent's
builtins on this machine (pslist(), glob(), read_file(), execve()...; not upload()).

Options:
  -f, --file FILE      read the VQL from FILE
  --format FORMAT      json (one array of rows, the default), jsonl, csv or table
  --param NAME=VALUE   set a scope variable (repeatable)
  --timeout SECONDS    cancel the query after this long (exit 1)
  --max-rows N         at most N rows per SELECT
  --server URL         run on a Talon server instead (with --key)
  --key KEY            API key for --server
  -h, --help           show this help

Exit status: 0 ok (run-time errors are logged to stderr), 1 timeout/cancel or remote failure,
2 usage or parse error.
`;

class UsageError extends Error {}

export function parseQueryArgs(argv: string[]): Options {
  const o: Options = { format: "json", params: {}, help: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let inline: string | undefined;
    if (a.startsWith("--") && a.includes("=")) {
      inline = a.slice(a.indexOf("=") + 1);
      a = a.slice(0, a.indexOf("="));
    }
    const next = () => inline ?? value(++i, a);
    switch (a) {
      case "-h":
      case "--help":
        o.help = true;
        break;
      case "-f":
      case "--file":
        o.file = next();
        break;
      case "--format": {
        const f = next();
        if (!["json", "jsonl", "csv", "table"].includes(f)) throw new UsageError(`unknown format "${f}" (json, jsonl, csv or table)`);
        o.format = f as Format;
        break;
      }
      case "--param": {
        const p = next();
        const eq = p.indexOf("=");
        if (eq <= 0) throw new UsageError(`--param needs NAME=VALUE, got "${p}"`);
        o.params[p.slice(0, eq)] = p.slice(eq + 1);
        break;
      }
      case "--timeout": {
        const s = Number(next());
        if (!(s > 0)) throw new UsageError("--timeout needs a positive number of seconds");
        o.timeoutMs = s * 1000;
        break;
      }
      case "--max-rows": {
        const n = Number(next());
        if (!Number.isInteger(n) || n < 0) throw new UsageError("--max-rows needs a non-negative integer");
        o.maxRows = n;
        break;
      }
      case "--server":
        o.server = next();
        break;
      case "--key":
        o.key = next();
        break;
      default:
        if (a.startsWith("-") && a.length > 1) throw new UsageError(`unknown option "${a}"`);
        if (o.vql !== undefined) throw new UsageError("give the VQL once (quote it as one argument)");
        o.vql = argv[i]!;
    }
  }
  return o;
}

function cellText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "";
  return toJsonText(v);
}

/** CSV fields as the notebook download writes them: formulas neutralised, objects as VQL JSON. */
const csvCell = csvFieldWith((v) => toJsonText(v));

function columnsOf(rows: Row[]): string[] {
  const cols: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of r.keys()) if (!seen.has(k)) seen.add(k), cols.push(k);
  return cols;
}

export function renderTable(rows: Row[]): string {
  const cols = columnsOf(rows);
  if (cols.length === 0) return rows.length ? `(${rows.length} rows without columns)\n` : "(no rows)\n";
  const cells = rows.map((r) => cols.map((c) => cellText(r.get(c)).replace(/\r?\n/g, "\\n")));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(width[i]!)).join("  ").trimEnd();
  return [line(cols), line(width.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n") + "\n";
}

export function renderCsv(rows: Row[]): string {
  const cols = columnsOf(rows);
  if (cols.length === 0) return "";
  return [cols.map(csvCell).join(","), ...rows.map((r) => cols.map((c) => csvCell(r.get(c))).join(","))].join("\n") + "\n";
}

function logLine(source: string, e: Extract<VqlEvent, { kind: "log" }>): string {
  const where = e.span && source ? `${position(source, e.span)}: ` : "";
  return `${e.level}: ${where}${e.message}\n`;
}

function position(source: string, span: Span): string {
  const first = renderAt(source, span, "").split("\n")[0]!;
  return first.replace(/: $/, "");
}

/** Runs `talon query`; returns the exit code. */
export async function queryCommand(argv: string[], io: QueryIo): Promise<number> {
  let o: Options;
  try {
    o = parseQueryArgs(argv);
  } catch (e) {
    io.stderr(`talon query: ${(e as Error).message}\n\n${QUERY_HELP}`);
    return 2;
  }
  if (o.help) {
    io.stdout(QUERY_HELP);
    return 0;
  }
  if ((o.vql === undefined) === (o.file === undefined)) {
    io.stderr(`talon query: give the VQL as an argument or with -f FILE (not both)\n\n${QUERY_HELP}`);
    return 2;
  }
  let source: string;
  try {
    source = o.vql ?? (await io.readFile(o.file!));
  } catch (e) {
    io.stderr(`talon query: cannot read ${o.file}: ${(e as Error).message}\n`);
    return 2;
  }
  const parsed = parse(source);
  const errors = parsed.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) {
    for (const d of errors) io.stderr(renderAt(source, d.span, d.message) + "\n");
    return 2;
  }
  let events: AsyncIterable<VqlEvent | VqlChunk>;
  if (o.server !== undefined || o.key !== undefined) {
    if (!o.server || !o.key) {
      io.stderr("talon query: remote mode needs both --server URL and --key KEY\n");
      return 2;
    }
    if (!io.remote) {
      io.stderr("talon query: remote mode (--server) is not available in this build\n");
      return 1;
    }
    const req: RemoteQueryRequest = { server: o.server, key: o.key, vql: source, params: o.params };
    if (o.timeoutMs !== undefined) req.timeoutMs = o.timeoutMs;
    if (o.maxRows !== undefined) req.maxRows = o.maxRows;
    events = io.remote(req);
  } else {
    const local = await localRuntime();
    events = runVqlChunks(parsed, {
      ...local,
      // As `velociraptor query`: `config` is the (local) client config; --param overrides it.
      env: { config: configValue({ name: "talon", version: TALON_VERSION, serverUrls: [] }), ...o.params },
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.maxRows !== undefined ? { maxRows: o.maxRows } : {}),
    });
  }
  return printEvents(events, o.format, source, io);
}

/**
 * The registry and host a local query runs with: on Linux the agent's (its builtins read this
 * machine, loaded only when a query runs locally) with the built-in artifacts as `Artifact.X()`
 * (so collect() writes offline collections here), elsewhere the portable builtins alone.
 */
async function localRuntime(): Promise<{ registry: Registry; host?: unknown; resolvePlugin?: (dottedName: string) => PluginLike | undefined }> {
  if (process.platform !== "linux") return { registry: createRegistry(portableBuiltins) };
  const [{ agentRegistry }, { createLinuxSystem }, { builtinArtifactResolver }] = await Promise.all([
    import("../client/plugins"),
    import("@/engine/endpoint/builtins/linux"),
    import("./local-artifacts"),
  ]);
  return { registry: agentRegistry(), host: { system: createLinuxSystem() }, resolvePlugin: builtinArtifactResolver() };
}

async function printEvents(events: AsyncIterable<VqlEvent | VqlChunk>, format: Format, source: string, io: QueryIo): Promise<number> {
  let code = 0;
  let first = true;
  let buffered: Row[] = [];
  let tables = 0;
  const flushSelect = () => {
    if (format === "table") io.stdout((tables++ ? "\n" : "") + renderTable(buffered));
    else if (format === "csv") io.stdout((tables++ && buffered.length ? "\n" : "") + renderCsv(buffered));
    buffered = [];
  };
  if (format === "json") io.stdout("[");
  try {
    for await (const e of events) {
      {
        switch (e.kind) {
          case "row":
          case "rows": {
            const rows = e.kind === "row" ? [e.row] : e.rows;
            if (format === "json") {
              let text = "";
              for (const r of rows) {
                text += (first ? "\n " : ",\n ") + toJsonText(r);
                first = false;
              }
              io.stdout(text);
            } else if (format === "jsonl") io.stdout(rows.map((r) => toJsonText(r) + "\n").join(""));
            else for (const r of rows) buffered.push(r);
            break;
          }
          case "select-end":
            if (format === "table" || format === "csv") flushSelect();
            if (e.truncated) io.stderr(`INFO: statement ${e.statement + 1} truncated at ${e.rows} rows\n`);
            break;
          case "log":
            io.stderr(logLine(source, e));
            if (e.code === "VQL3014") code = 1;
            break;
          case "select-start":
            break;
        }
      }
    }
  } catch (e) {
    io.stderr(`talon query: ${(e as Error).message}\n`);
    code = 1;
  }
  if (format === "json") io.stdout(first ? "]\n" : "\n]\n");
  return code;
}
