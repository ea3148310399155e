// Hunts: every hunt with its state, times and progress, live; "New hunt" for those who may
// create one (COLLECT_CLIENT proposes it paused) and "Re-interrogate all clients" (START_HUNT).
import { Forbidden } from "@/app/_components/forbidden";
import { HuntsView } from "@/app/_components/hunts/hunts-view";
import { requirePagePrincipal } from "@/app/_server/auth";

export const dynamic = "force-dynamic";

export default async function HuntsPage() {
  const p = await requirePagePrincipal("/hunts");
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  return (
    <section data-testid="hunts-page">
      <h1>Hunts</h1>
      <p className="muted">Collections across many endpoints: one flow per matching client, started at each hunt&apos;s rate.</p>
      <HuntsView canCreate={p.permissions.has("COLLECT_CLIENT")} canStart={p.permissions.has("START_HUNT")} />
    </section>
  );
}
