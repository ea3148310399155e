// parse_auditd(): Linux audit logs (/var/log/audit/audit.log) as one row per event: the records
// sharing `msg=audit(time:serial)` put together, in the spirit of go-libaudit's aucoalesce
// (which Velociraptor uses) with a subset of its fields.
import { StringDecoder } from "node:string_decoder";
import { arg, definePlugin, OrderedDict, Timestamp, abortable } from "@/engine/vql";
import { agentHost } from "./host";
import { accessorProblem } from "@/engine/endpoint/builtins/values";

export interface AuditRecord {
  type: string;
  time: number;
  serial: number;
  fields: Record<string, string>;
}

/** Fields auditd writes hex-encoded (unquoted) when the value has spaces, quotes or control characters. */
const ENCODED = /^(a\d+|proctitle|name|cwd|exe|comm|path|dir|file|key|cmd|data|old|new)$/;

function decodeHex(v: string): string | undefined {
  if (v.length % 2 || !/^[0-9A-Fa-f]+$/.test(v)) return undefined;
  return Buffer.from(v, "hex").toString("utf8");
}

/** key=value pairs: values bare, "double" or 'single' quoted; a quoted msg='...' holds more pairs. */
export function parseFields(s: string, into: Record<string, string> = {}): Record<string, string> {
  const re = /([A-Za-z0-9_-]+)=("([^"]*)"|'([^']*)'|(\S*))/g;
  for (const m of s.matchAll(re)) {
    const key = m[1]!;
    if (m[4] !== undefined && key === "msg") {
      parseFields(m[4], into);
      continue;
    }
    let value = m[3] ?? m[4] ?? m[5] ?? "";
    if (m[5] !== undefined && ENCODED.test(key)) {
      const d = decodeHex(value);
      if (d !== undefined) value = key === "proctitle" ? d.replace(/\0/g, " ") : d;
    }
    if (!(key in into)) into[key] = value;
  }
  return into;
}

/** One line of an audit log, or undefined when it is not one. Enriched fields (after \x1d) are parsed too. */
export function parseAuditLine(line: string): AuditRecord | undefined {
  const m = /^(?:node=\S+\s+)?type=(\S+)\s+msg=audit\((\d+(?:\.\d+)?):(\d+)\)\s*:\s*(.*)$/.exec(line.trim());
  if (!m) return undefined;
  const [kernel, enriched] = m[4]!.split("\x1d");
  const fields = parseFields(kernel!);
  if (enriched) for (const [k, v] of Object.entries(parseFields(enriched))) fields[k] ??= v;
  return { type: m[1]!, time: Number(m[2]), serial: Number(m[3]), fields };
}

const ID_FIELDS = ["auid", "uid", "euid", "suid", "fsuid", "gid", "egid", "sgid", "fsgid"];

/** A row for one event (its records in order). */
export function auditEvent(records: AuditRecord[]): OrderedDict {
  const first = records[0]!;
  const all: Record<string, string> = {};
  for (const r of records) for (const [k, v] of Object.entries(r.fields)) all[k] ??= v;
  const ids = new OrderedDict(ID_FIELDS.filter((k) => all[k] !== undefined).map((k) => [k, all[k]]));
  const names = new OrderedDict(ID_FIELDS.filter((k) => all[k.toUpperCase()] !== undefined).map((k) => [k, all[k.toUpperCase()]]));
  const execve = records.find((r) => r.type === "EXECVE");
  const args = execve ? Object.keys(execve.fields).filter((k) => /^a\d+$/.test(k)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))).map((k) => execve.fields[k]!) : [];
  const cwd = records.find((r) => r.type === "CWD")?.fields.cwd;
  const proctitle = records.find((r) => r.type === "PROCTITLE")?.fields.proctitle;
  const process = new OrderedDict(
    (
      [
        ["pid", all.pid],
        ["ppid", all.ppid],
        ["title", proctitle],
        ["name", all.comm],
        ["exe", all.exe],
        ["cwd", cwd],
        ["args", args.length ? args : undefined],
      ] as [string, unknown][]
    ).filter(([, v]) => v !== undefined),
  );
  const success = all.success ?? all.res;
  const result = success === undefined ? "unknown" : /^(yes|success|1)$/.test(success) ? "success" : "fail";
  const paths = records.filter((r) => r.type === "PATH").map((r) => new OrderedDict(Object.entries(r.fields)));
  const skip = new Set([...ID_FIELDS, ...ID_FIELDS.map((k) => k.toUpperCase()), "pid", "ppid", "comm", "exe", "success", "res", "ses"]);
  const data = new OrderedDict(Object.entries(first.fields).filter(([k]) => !skip.has(k)));
  return new OrderedDict([
    ["Timestamp", Timestamp.fromDate(new Date(first.time * 1000))],
    ["Sequence", first.serial],
    ["RecordType", first.type],
    ["Result", result],
    ["Session", all.ses ?? ""],
    ["User", new OrderedDict([["ids", ids], ["names", names]])],
    ["Process", process],
    ["Paths", paths],
    ["Data", data],
    ["Records", records.map((r) => r.type)],
  ]);
}

export const parseAuditdPlugin = definePlugin({
  name: "parse_auditd",
  category: "client",
  doc: "Parses a Linux audit log: one row per event (its records put together) with Timestamp, Sequence, RecordType, Result, Session, User {ids, names}, Process {pid, ppid, title, name, exe, cwd, args}, Paths, Data (the first record's other fields) and Records (the record types).",
  args: {
    filename: arg.string().required().doc("The audit log."),
    accessor: arg.string().default("auto").doc("auto or file."),
    buffer_size: arg.int().default(1024 * 1024).min(1).doc("Longest line read whole (longer ones are cut)."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ filename, accessor, buffer_size }, ctx) {
    const problem = accessorProblem(accessor, "parse_auditd");
    if (problem) return void ctx.log("ERROR", problem);
    let pending: AuditRecord[] = [];
    const flush = () => {
      const out = pending.length ? auditEvent(pending) : undefined;
      pending = [];
      return out;
    };
    let rest = "";
    const decoder = new StringDecoder("utf8");
    const handle = function* (line: string) {
      const r = parseAuditLine(line.slice(0, buffer_size));
      if (!r) return;
      const cur = pending[0];
      if (cur && (cur.serial !== r.serial || cur.time !== r.time)) {
        const e = flush();
        if (e) yield e;
      }
      if (r.type === "EOE") {
        const e = flush();
        if (e) yield e;
      } else pending.push(r);
    };
    try {
      for await (const c of abortable(agentHost(ctx.host).system.fs.read(filename, { signal: ctx.signal }), ctx.signal)) {
        const lines = (rest + decoder.write(Buffer.from(c))).split("\n");
        rest = lines.pop()!;
        for (const line of lines) yield* handle(line);
      }
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `parse_auditd: ${(err as Error).message}`);
    }
    if (rest) yield* handle(rest);
    const e = flush();
    if (e) yield e;
  },
});
