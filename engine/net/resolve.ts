// One destination for a non-HTTP connection (SMTP): the host name resolved once, the answers
// judged by the outbound policy, and the first allowed address returned for the caller to
// connect to directly (no second lookup an attacker's DNS could change: no rebinding).
import { promises as dns } from "node:dns";
import { classifyIp, parseIp } from "./addresses";
import { OutboundError } from "./errors";
import { nameRefusal, refusal, type NetworkPolicy } from "./policy";
import type { Resolver } from "./request";

export interface AllowedAddress {
  address: string;
  family: 4 | 6;
  /** True for 127.0.0.0/8 and ::1 (callers may relax what they require of plaintext there). */
  loopback: boolean;
}

const defaultResolve: Resolver = (host) => dns.lookup(host, { all: true, verbatim: true });

/** The address to connect to for `host` (a name or an IP literal), or an OutboundError("refused" | "dns"). */
export async function resolveAllowed(host: string, policy: NetworkPolicy, resolve: Resolver = defaultResolve): Promise<AllowedAddress> {
  const name = host.replace(/^\[|\]$/g, "");
  const byName = nameRefusal(policy, name);
  if (byName) throw new OutboundError("refused", `refused: ${byName}`);
  let answers: Array<{ address: string; family: number }>;
  if (parseIp(name)) answers = [{ address: name, family: name.includes(":") ? 6 : 4 }];
  else {
    try {
      answers = await resolve(name);
    } catch (err) {
      throw new OutboundError("dns", `cannot resolve ${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (!answers.length) throw new OutboundError("dns", `${name} has no address`);
  const allowed = answers.find((a) => !refusal(policy, name, a.address));
  if (!allowed) {
    const why = refusal(policy, name, answers[0].address)!;
    throw new OutboundError("refused", parseIp(name) ? `refused: ${why}` : `refused: ${name} resolves to ${why}`);
  }
  const bytes = parseIp(allowed.address)!;
  return { address: allowed.address, family: allowed.family === 6 ? 6 : 4, loopback: classifyIp(bytes) === "loopback" };
}
