// DNS for host(): the system resolver (getaddrinfo, so /etc/hosts counts) for A lookups, or
// c-ares queries of one record type, optionally to a given server. Lookups end with the signal.
import { lookup, Resolver } from "node:dns/promises";
import type { DnsQuery } from "../system";

export async function resolveName(q: DnsQuery): Promise<string[]> {
  const type = q.type.toUpperCase();
  if (type === "A" && !q.server) {
    const all = await lookup(q.name, { all: true, verbatim: true });
    return [...new Set(all.map((a) => a.address))];
  }
  const r = new Resolver({ timeout: 5000, tries: 2 });
  if (q.server) r.setServers([q.server]);
  const cancel = () => r.cancel();
  q.signal.addEventListener("abort", cancel, { once: true });
  try {
    switch (type) {
      case "A": {
        const [v4, v6] = await Promise.all([r.resolve4(q.name).catch(() => []), r.resolve6(q.name).catch(() => [])]);
        if (!v4.length && !v6.length) await r.resolve4(q.name); // throws the resolver's error
        return [...v4, ...v6];
      }
      case "AAAA":
        return await r.resolve6(q.name);
      case "CNAME":
        return await r.resolveCname(q.name);
      case "NS":
        return await r.resolveNs(q.name);
      case "PTR":
        return await r.reverse(q.name);
      case "MX":
        return (await r.resolveMx(q.name)).map((m) => `${m.priority} ${m.exchange}`);
      case "TXT":
        return (await r.resolveTxt(q.name)).map((parts) => parts.join(""));
      case "SOA": {
        const s = await r.resolveSoa(q.name);
        return [`${s.nsname} ${s.hostmaster} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minttl}`];
      }
      default:
        throw new Error(`lookup type ${q.type} is not supported (A, AAAA, CNAME, NS, MX, TXT, SOA, PTR)`);
    }
  } finally {
    q.signal.removeEventListener("abort", cancel);
  }
}
