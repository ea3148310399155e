// The audit log for administrators: newest first, filter by user or operation, page back.
import Link from "next/link";
import { AuditDetails } from "@/app/_components/audit-details";
import { Forbidden } from "../../_components/forbidden";
import { requirePagePrincipal } from "../../_server/auth";
import { getEngine } from "../../_server/engine";

export const metadata = { title: "Audit log" };

export const dynamic = "force-dynamic";
const PAGE = 100;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const p = await requirePagePrincipal("/audit");
  if (!p.permissions.has("SERVER_ADMIN")) return <Forbidden permission="SERVER_ADMIN" />;
  const sp = await searchParams;
  const before = sp.before ? Number(sp.before) : undefined;
  const entries = await getEngine().audit.list({
    before: Number.isFinite(before) ? before : undefined,
    limit: PAGE,
    principal: sp.principal || undefined,
    operation: sp.operation || undefined,
  });
  const last = entries.at(-1);
  const keep = new URLSearchParams();
  if (sp.principal) keep.set("principal", sp.principal);
  if (sp.operation) keep.set("operation", sp.operation);
  return (
    <section>
      <h1>Audit log</h1>
      <form className="row" method="get" aria-label="Filter audit log" style={{ marginBottom: "0.8rem" }}>
        <label>
          User
          <input name="principal" defaultValue={sp.principal ?? ""} />
        </label>
        <label>
          Operation
          <input name="operation" defaultValue={sp.operation ?? ""} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <table className="data" aria-label="Audit entries">
        <thead>
          <tr>
            <th>When (UTC)</th>
            <th>Who</th>
            <th>Operation</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{e.at.toISOString().replace("T", " ").slice(0, 19)}</td>
              <td>{e.principal}</td>
              <td>{e.operation}</td>
              <td>
                <AuditDetails details={e.details} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === PAGE && last ? (
        <p>
          <Link href={`/audit?${new URLSearchParams([...keep, ["before", String(last.id)]])}`}>Older entries</Link>
        </p>
      ) : null}
    </section>
  );
}
