// parse_journald(): the entries of systemd journal files (journal-file.ts reads the binary
// format) as Velociraptor's rows (journal-row.ts): System {Seq, Timestamp, the trusted `_`
// fields} and EventData, or with raw Timestamp and every field as text. start_time/end_time keep
// the entries whose realtime is within them (both ends included, as Velociraptor's parser does).
import { arg, definePlugin, abortable, type BuiltinContext, type Timestamp } from "@/engine/vql";
import { agentHost } from "./host";
import { journalRow } from "./journal-row";
import { readJournal, type JournalEntry } from "./journal-file";
import { accessorProblem } from "@/engine/endpoint/builtins/values";

const micros = (t: Timestamp | null | undefined): number | undefined => (t && !t.isZero() ? t.sec * 1e6 + Math.floor(t.nsec / 1000) : undefined);

/** The entry as journalctl's JSON would give it (the shape journalRow() takes). */
function asJournalctl(e: JournalEntry): Record<string, unknown> {
  const out: Record<string, unknown> = { __SEQNUM: String(e.seqnum), __REALTIME_TIMESTAMP: String(e.realtime) };
  e.fields.forEach((f, i) => {
    const b = Buffer.from(f.buffer, f.byteOffset, f.length);
    const eq = b.indexOf(0x3d);
    if (eq <= 0) out[`Item${i}`] = b.toString("utf8");
    else out[b.toString("utf8", 0, eq)] = b.toString("utf8", eq + 1);
  });
  return out;
}

function reader(ctx: BuiltinContext, filename: string) {
  const fs = agentHost(ctx.host).system.fs;
  return async (offset: number, length: number): Promise<Uint8Array> => {
    const parts: Buffer[] = [];
    for await (const c of abortable(fs.read(filename, { offset, length, signal: ctx.signal }), ctx.signal)) parts.push(Buffer.from(c));
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  };
}

export const parseJournaldPlugin = definePlugin({
  name: "parse_journald",
  category: "client",
  doc:
    "Parses systemd journal files (regular or compact; fields compressed with zstd, lz4 or xz): one row per entry with " +
    "System {Seq, Timestamp, _PID, _UID, _COMM, ...} and EventData {MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, ...}; with raw, " +
    "Timestamp and every field as text. A damaged or cut-short file gives the entries before the damage and logs an error.",
  args: {
    filename: arg.list(arg.string()).required().doc("The journal files to parse."),
    accessor: arg.string().default("auto").doc("auto or file."),
    raw: arg.bool().default(false).doc("Every field as text, not split into System and EventData."),
    start_time: arg.time().doc("Only entries at or after this time."),
    end_time: arg.time().doc("Only entries at or before this time."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ filename, accessor, raw, start_time, end_time }, ctx) {
    const problem = accessorProblem(accessor, "parse_journald");
    if (problem) return void ctx.log("ERROR", problem);
    const from = micros(start_time) ?? -Infinity;
    const to = micros(end_time) ?? Infinity;
    for (const file of filename) {
      try {
        const entries = readJournal(reader(ctx, file), { wanted: (rt) => rt >= from && rt <= to, warn: (m) => ctx.log("WARN", `parse_journald: ${file}: ${m}`) });
        for await (const e of entries) yield journalRow(asJournalctl(e), raw);
      } catch (err) {
        ctx.signal.throwIfAborted();
        ctx.log("ERROR", `parse_journald: ${file}: ${(err as Error).message}`);
      }
    }
  },
});
