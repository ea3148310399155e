// yara(): scans files with YARA rules through libyara-wasm (libyara compiled to WebAssembly, run
// in its own worker thread by yara-scanner.ts; it exposes one call, run(buffer, rules), so each
// file is scanned whole in memory, at most 256 MiB from `start`, and the rules are compiled for
// each file). Velociraptor's names and arguments.
import { arg, definePlugin, OrderedDict, abortable, untilAborted, type BuiltinContext } from "@/engine/vql";
import { agentHost } from "./host";
import { yaraScan, type YaraScan } from "./yara-scanner";
import { accessorProblem, fileRow } from "@/engine/endpoint/builtins/values";

const MAX_BYTES = 256 * 1024 * 1024;

/**
 * One scan's matched rules; "failed" when the scan failed (`<what>: reason` logged), "stop" when
 * the rules do not compile (logged: no later scan can do better).
 */
export async function scanLogged(ctx: BuiltinContext, data: Uint8Array, rules: string, what: string): Promise<YaraScan["rules"] | "failed" | "stop"> {
  let result: YaraScan;
  try {
    result = await yaraScan(data, rules, ctx.signal);
  } catch (err) {
    ctx.signal.throwIfAborted();
    ctx.log("ERROR", `${what}: ${(err as Error).message}`);
    return "failed";
  }
  const errors = result.errors.filter((e) => !e.warning);
  if (errors.length) {
    ctx.log("ERROR", `${ctx.name}: rules do not compile: ${errors.map((e) => `line ${e.line}: ${e.message}`).join("; ")}`);
    return "stop";
  }
  return result.rules;
}

/** Velociraptor's String column for a rule's first hit in `data` (which starts at `base`). */
export function firstHit(rule: YaraScan["rules"][number], data: Uint8Array, base: number, context: number): OrderedDict | null {
  const hit = rule.matches[0];
  if (!hit) return null;
  const from = Math.max(0, hit.location - context);
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength).subarray(from, Math.min(data.byteLength, hit.location + hit.length + context));
  return new OrderedDict([
    ["Name", hit.id],
    ["Offset", base + hit.location],
    ["HexData", hexDump(bytes, base + from)],
    ["Data", bytes.toString("latin1")],
  ]);
}

/** Velociraptor's HexData: hexdump lines of the bytes (offset, 16 bytes in hex, printable text). */
export function hexDump(b: Buffer, base: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 16) {
    const row = b.subarray(i, i + 16);
    const hex = [...row].map((x) => x.toString(16).padStart(2, "0")).join(" ");
    const text = [...row].map((x) => (x >= 32 && x < 127 ? String.fromCharCode(x) : ".")).join("");
    lines.push(`${(base + i).toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  ${text}`);
  }
  return lines;
}

export const yaraPlugin = definePlugin({
  name: "yara",
  category: "client",
  doc: "Scans files with YARA rules (libyara in WebAssembly): one row per matching rule and file with Rule, Tags (always empty: the WebAssembly build does not report them), Meta, String {Name, Offset, HexData, Data} (the rule's first hit), File (stat) and FileName.",
  args: {
    rules: arg.string().required().doc("The YARA rules (source text)."),
    files: arg.list(arg.string()).required().doc("The files to scan (the data itself with accessor data)."),
    accessor: arg.string().default("auto").doc("auto, file or data."),
    context: arg.int().default(0).min(0).doc("Bytes of context on each side of a hit in String.Data and HexData."),
    start: arg.int().default(0).min(0).doc("Offset to start scanning at."),
    end: arg.int().min(0).doc("Offset to stop scanning at (default: the file's end, at most 256 MiB after start)."),
    number: arg.int().min(1).doc("At most this many matching rules per file."),
    blocksize: arg.int().doc("Accepted for compatibility (files are scanned whole)."),
    key: arg.string().doc("Accepted for compatibility (rules are compiled for each scan)."),
    namespace: arg.string().doc("Accepted for compatibility (rules go in the default namespace)."),
    vars: arg.dict().doc("External variables: not supported by the WebAssembly build (an error is logged when given)."),
    force_buffers: arg.bool().doc("Accepted for compatibility (files are always read into a buffer)."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ rules, files, accessor, context, start, end, number, vars }, ctx) {
    if (accessor !== "data") {
      const problem = accessorProblem(accessor, "yara");
      if (problem) return void ctx.log("ERROR", problem);
    }
    if (vars && vars.keys().length) return void ctx.log("ERROR", "yara: external variables (vars) are not supported");
    const system = agentHost(ctx.host).system;
    const length = Math.min(MAX_BYTES, end !== undefined ? Math.max(0, end - start) : MAX_BYTES);
    for (const file of files) {
      let data: Buffer;
      try {
        if (accessor === "data") data = Buffer.from(file, "utf8").subarray(start, start + length);
        else {
          const parts: Buffer[] = [];
          for await (const c of abortable(system.fs.read(file, { offset: start, length, signal: ctx.signal }), ctx.signal)) parts.push(Buffer.from(c));
          data = Buffer.concat(parts);
        }
      } catch (err) {
        ctx.signal.throwIfAborted();
        ctx.log("ERROR", `yara: ${file}: ${(err as Error).message}`);
        continue;
      }
      ctx.signal.throwIfAborted();
      const result = await scanLogged(ctx, data, rules, `yara: ${file}`);
      if (result === "stop") return;
      if (result === "failed" || !result.length) continue;
      const info = accessor === "data" ? undefined : await untilAborted(system.fs.stat(file), ctx.signal);
      for (const rule of result.slice(0, number ?? result.length)) {
        const str = firstHit(rule, data, start, context);
        yield new OrderedDict([
          ["Rule", rule.name],
          ["Tags", []],
          ["Meta", new OrderedDict(rule.meta)],
          ["String", str],
          ["File", info ? new OrderedDict(Object.entries(fileRow(info))) : null],
          ["FileName", file],
        ]);
      }
    }
  },
});
