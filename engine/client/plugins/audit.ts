// audit(): the kernel's audit events as they happen (Velociraptor's plugin, which reads the
// audit multicast group through go-libaudit), one row per event in parse_auditd()'s shape: the
// records of one serial put together, complete at EOE; records outside the syscall range
// (user messages, anomalies) are events on their own, as go-libaudit's reassembler treats them;
// an event whose EOE never comes is emitted MAX_WAIT_MS after its first record. As in
// Velociraptor (which makes the event a case-insensitive dict), `Process.PID` finds `pid`; go-
// libaudit's Tags (the rules' keys) and Summary.Actor (auid, uid) are added.
import { definePlugin, abortable, OrderedDict } from "@/engine/vql";
import { agentHost } from "./host";
import { auditEvent, parseAuditLine, type AuditRecord } from "./auditd";

const MAX_WAIT_MS = 2000;

/** A dict whose members are also found in another case (Velociraptor's SetCaseInsensitive). */
class CaseInsensitiveDict extends OrderedDict {
  override get(key: string): unknown {
    const v = super.get(key);
    if (v !== undefined) return v;
    const lower = key.toLowerCase();
    const k = this.keys().find((x) => x.toLowerCase() === lower);
    return k === undefined ? undefined : super.get(k);
  }
}

function insensitive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(insensitive);
  if (!(v instanceof OrderedDict)) return v;
  return new CaseInsensitiveDict(v.keys().map((k) => [k, insensitive(v.get(k))]));
}

/** parse_auditd()'s event, with Tags and Summary.Actor, case-insensitive. */
function eventRow(records: AuditRecord[]): unknown {
  const row = auditEvent(records);
  const field = (name: string) => records.find((r) => r.fields[name] !== undefined)?.fields[name];
  const tags = [...new Set(records.map((r) => r.fields.key).filter((k): k is string => !!k && k !== "(null)"))];
  row.set("Tags", tags);
  row.set("Summary", new OrderedDict([["Actor", new OrderedDict([["Primary", field("auid") ?? ""], ["Secondary", field("uid") ?? ""]])]]));
  return insensitive(row);
}
/** Record types numbered from SYSCALL (1300) up to the anomalies (1700) wait for their event's EOE. */
const STANDALONE = /^(USER|LOGIN|CRED_|ADD_|DEL_|GRP_|ACCT_|SYSTEM_|SERVICE_|ANOM_|DAC_|MAC_CHECK|CHGRP|CHUSER|TRUSTED|TEST|SOFTWARE|USYS|GET$|SET$)/;

export const auditPlugin = definePlugin({
  name: "audit",
  category: "linux",
  doc: "Register as an audit daemon in the kernel: the kernel's audit events as they happen, from its read-only audit multicast group (auditd keeps running), one row per event as parse_auditd() gives them (Timestamp, Sequence, RecordType, Result, Session, User, Process, Paths, Data, Records) plus Tags (the rules' keys) and Summary.Actor (Primary: auid, Secondary: uid); member names match in any case (`Process.PID`). Configure the audit rules with auditctl first. Needs root and the native audit addon (built by `npm install` where a C compiler is); without it, an error and no rows.",
  args: {},
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run(_args, ctx) {
    const source = agentHost(ctx.host).system.events?.audit;
    const problem = source ? source.unavailable() : "this endpoint has no audit events";
    if (!source || problem) return void ctx.log("ERROR", `audit: ${problem}`);
    const pending = new Map<number, { first: number; records: AuditRecord[] }>();
    const ready: AuditRecord[][] = [];
    const flushOld = (all: boolean) => {
      const now = ctx.now();
      for (const [serial, e] of pending) {
        if (all || now - e.first >= MAX_WAIT_MS) {
          pending.delete(serial);
          ready.push(e.records);
        }
      }
    };
    try {
      for await (const rec of abortable(source.follow(ctx.signal), ctx.signal)) {
        if (rec === null) flushOld(false);
        else {
          const r = parseAuditLine(`type=${rec.type} msg=${rec.text}`);
          if (!r) continue;
          if (STANDALONE.test(r.type)) ready.push([r]);
          else if (r.type === "EOE") {
            const e = pending.get(r.serial);
            pending.delete(r.serial);
            if (e) ready.push(e.records);
          } else {
            const e = pending.get(r.serial) ?? { first: ctx.now(), records: [] };
            e.records.push(r);
            pending.set(r.serial, e);
          }
        }
        while (ready.length) yield eventRow(ready.shift()!);
      }
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `audit: ${(err as Error).message}`);
    }
  },
});
