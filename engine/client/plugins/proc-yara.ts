// proc_yara(): scans a process's memory with YARA rules, as Velociraptor's does (Linux: the
// readable regions listed in /proc/<pid>/smaps, read from /proc/<pid>/mem). Regions are scanned
// in pieces of at most 8 MiB overlapping by 4 KiB (libyara-wasm scans one buffer per call, in
// yara-scanner.ts's worker), so a string never matches across two regions and a
// hit longer than 4 KiB across a piece boundary is missed; String.Offset is the hit's virtual
// address. Regions with no resident or swapped page (never touched: only zeros) are skipped, as
// are those the kernel refuses ([vvar], guard pages). At most 256 MiB of a process is read.
import { arg, definePlugin, OrderedDict, abortable } from "@/engine/vql";
import { agentHost } from "./host";
import { firstHit, scanLogged } from "./yara";

const MAX_PROCESS_BYTES = 256 * 1024 * 1024;
const PIECE_BYTES = 8 * 1024 * 1024;
const OVERLAP_BYTES = 4096;

export interface MemoryRegion {
  start: number;
  end: number;
  perms: string;
  path: string;
  /** Resident plus swapped kB (smaps only; undefined from a maps text). */
  usedKb?: number;
}

/**
 * The regions of a /proc/<pid>/maps or smaps text (addresses as numbers: user space fits in
 * 2^53); from smaps each has its Rss + Swap.
 */
export function parseMaps(text: string): MemoryRegion[] {
  const out: MemoryRegion[] = [];
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S{4})\s+\S+\s+\S+\s+\d+\s*(.*)$/.exec(line);
    if (m) {
      out.push({ start: parseInt(m[1]!, 16), end: parseInt(m[2]!, 16), perms: m[3]!, path: m[4]!.trim() });
      continue;
    }
    const f = /^(Rss|Swap):\s+(\d+) kB/.exec(line);
    const last = out[out.length - 1];
    if (f && last) last.usedKb = (last.usedKb ?? 0) + Number(f[2]);
  }
  return out;
}

/** The regions worth reading: readable, ever touched, and not the kernel's special mappings. */
export function scannable(regions: MemoryRegion[]): MemoryRegion[] {
  return regions.filter((r) => r.perms[0] === "r" && r.usedKb !== 0 && r.path !== "[vvar]" && r.path !== "[vsyscall]" && r.path !== "[vvar_vclock]" && r.end > r.start);
}

/** [offset, length] pieces of a region: PIECE_BYTES each, overlapping by OVERLAP_BYTES. */
export function pieces(size: number, piece = PIECE_BYTES, overlap = OVERLAP_BYTES): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let at = 0; at < size; at += piece - overlap) {
    out.push([at, Math.min(piece, size - at)]);
    if (at + piece >= size) break;
  }
  return out;
}

export const procYaraPlugin = definePlugin({
  name: "proc_yara",
  category: "client",
  doc: "Scans a process's memory with YARA rules (libyara in WebAssembly; Linux: the readable, touched regions of /proc/<pid>/smaps, each scanned on its own in 8 MiB pieces, at most 256 MiB a process). One row per matching rule: Rule, Tags (always empty: the WebAssembly build does not report them), Meta, String {Name, Offset (the virtual address), HexData, Data} (the rule's first hit), Pid, Region (the mapping's path).",
  args: {
    rules: arg.string().required().doc("The YARA rules (source text)."),
    pid: arg.int().required().doc("The pid to scan."),
    context: arg.int().default(0).min(0).doc("Bytes of context on each side of a hit in String.Data and HexData."),
    key: arg.string().doc("Accepted for compatibility (rules are compiled for each scan)."),
    namespace: arg.string().doc("Accepted for compatibility (rules go in the default namespace)."),
    vars: arg.dict().doc("External variables: not supported by the WebAssembly build (an error is logged when given)."),
    number: arg.int().min(1).doc("Stop after this many matching rules (default: all)."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run({ rules, pid, context, number, vars }, ctx) {
    if (vars && vars.keys().length) return void ctx.log("ERROR", "proc_yara: external variables (vars) are not supported");
    const system = agentHost(ctx.host).system;
    const read = async (path: string, offset?: number, length?: number): Promise<Buffer> => {
      const parts: Buffer[] = [];
      for await (const c of abortable(system.fs.read(path, { offset, length, signal: ctx.signal }), ctx.signal)) parts.push(Buffer.from(c));
      return Buffer.concat(parts);
    };
    let regions: MemoryRegion[];
    try {
      regions = scannable(parseMaps((await read(`/proc/${pid}/smaps`)).toString("utf8")));
    } catch (err) {
      ctx.signal.throwIfAborted();
      return void ctx.log("ERROR", `proc_yara: pid ${pid}: ${(err as Error).message}`);
    }
    let budget = MAX_PROCESS_BYTES;
    let scanned = 0;
    let refused = 0;
    const seen = new Set<string>();
    scan: for (const region of regions) {
      for (const [offset, size] of pieces(region.end - region.start)) {
        if (budget <= 0) {
          ctx.log("WARN", `proc_yara: pid ${pid}: stopped after ${MAX_PROCESS_BYTES / 1024 / 1024} MiB`);
          break scan;
        }
        const base = region.start + offset;
        let data: Buffer;
        try {
          data = await read(`/proc/${pid}/mem`, base, Math.min(size, budget));
        } catch {
          ctx.signal.throwIfAborted();
          refused++;
          continue scan;
        }
        if (!data.length) continue scan;
        budget -= data.length;
        scanned++;
        ctx.signal.throwIfAborted();
        const result = await scanLogged(ctx, data, rules, `proc_yara: pid ${pid}`);
        if (typeof result === "string") return;
        for (const rule of result) {
          // A rule is reported once per process (its first hit), as one scan of the whole
          // address space would.
          if (seen.has(rule.name)) continue;
          seen.add(rule.name);
          yield new OrderedDict([
            ["Rule", rule.name],
            ["Tags", []],
            ["Meta", new OrderedDict(rule.meta)],
            ["String", firstHit(rule, data, base, context)],
            ["Pid", pid],
            ["Region", region.path],
          ]);
          if (number !== undefined && seen.size >= number) return;
        }
      }
    }
    if (regions.length && scanned === 0) ctx.log("ERROR", `proc_yara: pid ${pid}: no memory region could be read (${refused} refused)`);
  },
});
