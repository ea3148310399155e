// Hunts: a read-only list, newest first, with each hunt's state and exact queue counts, read
// from the hunts service when the page loads (reload for new counts). Creating and managing
// hunts is VQL (hunt(), hunt_update()) or /api/hunts until the wizard and hunt page land.
import { Forbidden } from "@/app/_components/forbidden";
import { requirePagePrincipal } from "@/app/_server/auth";
import { getEngine } from "@/app/_server/engine";

export const dynamic = "force-dynamic";

const when = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 16) : "—");

export default async function HuntsPage() {
  const p = await requirePagePrincipal("/hunts");
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  const { items, total } = await getEngine().hunts.list(p, { limit: 100 });
  return (
    <section data-testid="hunts-page">
      <h1>Hunts</h1>
      <p className="muted">
        Collections across many endpoints. Create one with <code>hunt()</code> in a notebook; the wizard and the hunt page are not built yet.
      </p>
      {items.length === 0 ? (
        <p className="muted" data-testid="hunts-empty">No hunts yet.</p>
      ) : (
        <table className="data" aria-label="Hunts" data-testid="hunts-table">
          <thead>
            <tr>
              <th>Hunt</th>
              <th>State</th>
              <th>Description</th>
              <th>Artifacts</th>
              <th>Creator</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Scheduled</th>
              <th>Pending</th>
              <th>Running</th>
              <th>With results</th>
              <th>Errors</th>
            </tr>
          </thead>
          <tbody>
            {items.map((h) => (
              <tr key={h.huntId} data-testid="hunt-row">
                <td>
                  <code>{h.huntId}</code>
                </td>
                <td>{h.state === "RUNNING" && h.expired ? "EXPIRED" : h.state}</td>
                <td>{h.description}</td>
                <td>{h.artifacts.join(", ")}</td>
                <td>{h.creator}</td>
                <td>{when(h.createdAt)}</td>
                <td>{when(h.expiresAt)}</td>
                <td>{h.stats.totalClientsScheduled}</td>
                <td>{h.stats.pending}</td>
                <td>{h.stats.running}</td>
                <td>{h.stats.totalClientsWithResults}</td>
                <td>{h.stats.totalClientsWithErrors}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total > items.length ? <p className="muted">The newest {items.length} of {total} hunts.</p> : null}
    </section>
  );
}
