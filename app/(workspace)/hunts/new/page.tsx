// New hunt: the wizard (COLLECT_CLIENT to create it paused; START_HUNT also to create it running).
import { Forbidden } from "@/app/_components/forbidden";
import { HuntWizard } from "@/app/_components/hunts/hunt-wizard";
import { requirePagePrincipal } from "@/app/_server/auth";

export const dynamic = "force-dynamic";

export default async function NewHuntPage() {
  const p = await requirePagePrincipal("/hunts/new");
  if (!p.permissions.has("COLLECT_CLIENT")) return <Forbidden permission="COLLECT_CLIENT" />;
  return (
    <section data-testid="hunt-new-page">
      <h1>New hunt</h1>
      <HuntWizard canStart={p.permissions.has("START_HUNT")} />
    </section>
  );
}
