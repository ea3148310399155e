// One alert: its details, triage (ALERT_TRIAGE; shown disabled without it), activity,
// occurrences and the event rows around it. Reading needs READ_RESULTS.
import { Forbidden } from "@/app/_components/forbidden";
import { AlertDetail } from "@/app/_components/alerts/alert-detail";
import { requirePagePrincipal } from "@/app/_server/auth";

export const metadata = { title: "Alert" };

export const dynamic = "force-dynamic";

export default async function AlertPage({ params }: { params: Promise<{ alertId: string }> }) {
  const alertId = decodeURIComponent((await params).alertId);
  const p = await requirePagePrincipal(`/alerts/${encodeURIComponent(alertId)}`);
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  return <AlertDetail alertId={alertId} canTriage={p.permissions.has("ALERT_TRIAGE")} canNotebook={p.permissions.has("NOTEBOOK_EDITOR")} me={p.username} />;
}
