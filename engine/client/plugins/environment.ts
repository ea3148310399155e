// The agent's environment and host: expand(), environ() (function and plugin), host() (DNS) and
// sysinfo(). Velociraptor's names and arguments; the data comes from the endpoint.
import { arg, definePlugin, defineFunction, OrderedDict, untilAborted } from "@/engine/vql";
import { agentHost } from "./host";

const SPECIAL = "*#$@!?-0123456789";
const isNameChar = (c: string) => /[A-Za-z0-9_]/.test(c);

/** Go's os.Expand name scan after a `$`: [name, characters consumed] (name "" with w>0 = bad syntax, eaten). */
function shellName(s: string): [string, number] {
  if (s[0] === "{") {
    if (s.length > 2 && SPECIAL.includes(s[1]!) && s[2] === "}") return [s[1]!, 3];
    for (let i = 1; i < s.length; i++) if (s[i] === "}") return i === 1 ? ["", 2] : [s.slice(1, i), i + 1];
    return ["", 1];
  }
  if (SPECIAL.includes(s[0]!)) return [s[0]!, 1];
  let i = 0;
  while (i < s.length && isNameChar(s[i]!)) i++;
  return [s.slice(0, i), i];
}

/**
 * Velociraptor's expansion: `%NAME%` (Windows notation) becomes the variable's value when it is
 * set (left as written otherwise), then `$NAME` and `${NAME}` as Go's os.ExpandEnv does them
 * (an unset variable expands to "").
 */
export function expandEnv(path: string, env: Record<string, string>): string {
  let out = "";
  for (let j = 0; j < path.length; j++) {
    const c = path[j]!;
    if (c === "%") {
      const m = /^%([^%\s]+)%/.exec(path.slice(j));
      const value = m ? env[m[1]!] : undefined;
      if (m && value !== undefined) {
        out += value;
        j += m[0].length - 1;
      } else out += c;
    } else if (c === "$" && j + 1 < path.length) {
      const [name, w] = shellName(path.slice(j + 1));
      if (name === "" && w === 0) out += "$";
      else if (name !== "") out += env[name] ?? "";
      j += w;
    } else out += c;
  }
  return out;
}

async function environment(ctx: { host: unknown; signal: AbortSignal; log(level: "ERROR", m: string): void }, name: string): Promise<Record<string, string> | undefined> {
  const system = agentHost(ctx.host).system;
  if (!system.environ) {
    ctx.log("ERROR", `${name}: this endpoint has no environment to read`);
    return undefined;
  }
  return untilAborted(system.environ(), ctx.signal);
}

export const expandFunction = defineFunction({
  name: "expand",
  category: "client",
  doc: "Expands environment variables in a path: `$NAME` and `${NAME}` (Go's os.ExpandEnv: unset ones become empty) and the Windows notation `%NAME%` (left as written when unset). Uses the agent's own environment.",
  args: {
    path: arg.string().required().doc("A path with environment escapes."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async run({ path }, ctx) {
    const env = await environment(ctx, "expand");
    return env ? expandEnv(path, env) : null;
  },
});

export const environFunction = defineFunction({
  name: "environ",
  category: "client",
  doc: "The value of one of the agent's environment variables (NULL when unset).",
  args: {
    var: arg.string().required().doc("The variable's name."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async run(args, ctx) {
    const env = await environment(ctx, "environ");
    return env?.[args.var] ?? null;
  },
});

export const environPlugin = definePlugin({
  name: "environ",
  category: "client",
  doc: "One row with the agent's environment variables as columns (only `vars` when given).",
  args: {
    vars: arg.list(arg.string()).doc("Only these variables."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run({ vars }, ctx) {
    const env = await environment(ctx, "environ");
    if (!env) return;
    const names = vars ?? Object.keys(env).sort();
    yield new OrderedDict(names.filter((n) => env[n] !== undefined).map((n) => [n, env[n]]));
  },
});

export const hostFunction = defineFunction({
  name: "host",
  category: "client",
  doc: "Resolves a name through DNS: a list of strings (addresses for A, the default; names or records for the other types). NULL with an error logged when the lookup fails.",
  args: {
    name: arg.string().required().doc("The name to look up (an address for PTR)."),
    server: arg.string().doc("A DNS server to ask (`8.8.8.8` or `8.8.8.8:53`) instead of the system resolver."),
    type: arg.string().default("A").doc("A (default), AAAA, CNAME, NS, MX, TXT, SOA or PTR."),
    prefer_go: arg.bool().doc("Accepted for compatibility (Talon asks the system resolver, or c-ares with `server`)."),
    tracker_only: arg.bool().doc("Accepted for compatibility (Talon has no DNS tracker; the name is always resolved)."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async run({ name, server, type }, ctx) {
    const system = agentHost(ctx.host).system;
    if (!system.resolve) {
      ctx.log("ERROR", "host: this endpoint cannot resolve names");
      return null;
    }
    try {
      return await untilAborted(system.resolve({ name, type, server, signal: ctx.signal }), ctx.signal);
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `host: ${name}: ${(err as Error).message}`);
      return null;
    }
  },
});

export const sysinfoFunction = defineFunction({
  name: "sysinfo",
  category: "client",
  doc: "Hardware and OS details of the endpoint as Velociraptor's Linux sysinfo() reports them: a dict of node, os, kernel, product, board, chassis, bios, cpu and memory (size in MiB).",
  args: {},
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async run(_args, ctx) {
    const system = agentHost(ctx.host).system;
    if (!system.sysinfo) {
      ctx.log("ERROR", "sysinfo: not available on this endpoint");
      return null;
    }
    return untilAborted(system.sysinfo(), ctx.signal);
  },
});
