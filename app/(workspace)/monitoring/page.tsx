// Monitoring: the server event table (SERVER_EVENT artifacts the server runs) and the client
// event table (CLIENT_EVENT artifacts for every client and per label group), their states,
// live rows, stored rows and logs. Reading needs READ_RESULTS; changing a table needs
// COLLECT_SERVER (server) or COLLECT_CLIENT (client), which the routes check again.
import { Suspense } from "react";
import { Forbidden } from "@/app/_components/forbidden";
import { MonitoringView } from "@/app/_components/monitoring/monitoring-view";
import { requirePagePrincipal } from "@/app/_server/auth";

export const metadata = { title: "Monitoring" };

export const dynamic = "force-dynamic";

export default async function MonitoringPage() {
  const p = await requirePagePrincipal("/monitoring");
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  return (
    <section data-testid="monitoring-page">
      <h1>Monitoring</h1>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <MonitoringView canEditServer={p.permissions.has("COLLECT_SERVER")} canEditClient={p.permissions.has("COLLECT_CLIENT")} />
      </Suspense>
    </section>
  );
}
