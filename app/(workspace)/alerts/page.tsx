// Alerts: the inbox of what alert() raised (in event queries, collections, notebooks), grouped by
// name + client + artifact, filtered and paged in the URL, live. Reading needs READ_RESULTS.
import { Suspense } from "react";
import { AlertsView } from "@/app/_components/alerts/alerts-view";
import { Forbidden } from "@/app/_components/forbidden";
import { requirePagePrincipal } from "@/app/_server/auth";

export const metadata = { title: "Alerts" };

export const dynamic = "force-dynamic";

export default async function AlertsPage() {
  const p = await requirePagePrincipal("/alerts");
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  return (
    <section data-testid="alerts-page">
      <h1>Alerts</h1>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <AlertsView />
      </Suspense>
    </section>
  );
}
