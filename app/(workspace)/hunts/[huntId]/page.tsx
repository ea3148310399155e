// One hunt: state with Start / Stop, live queue counts, clients by queue, results, downloads.
import { notFound } from "next/navigation";
import { isServiceError } from "@/engine";
import { Forbidden } from "@/app/_components/forbidden";
import { HuntView } from "@/app/_components/hunts/hunt-view";
import type { HuntRow } from "@/app/_components/hunts/types";
import { requirePagePrincipal } from "@/app/_server/auth";
import { getEngine } from "@/app/_server/engine";

export const dynamic = "force-dynamic";

export default async function HuntPage({ params }: { params: Promise<{ huntId: string }> }) {
  const { huntId } = await params;
  const p = await requirePagePrincipal(`/hunts/${huntId}`);
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  let hunt;
  try {
    hunt = await getEngine().hunts.get(p, decodeURIComponent(huntId));
  } catch (err) {
    if (isServiceError(err) && (err.status === 404 || err.status === 400)) notFound();
    throw err;
  }
  const initial = JSON.parse(JSON.stringify(hunt)) as HuntRow;
  return <HuntView initial={initial} can={{ canStart: p.permissions.has("START_HUNT"), canStop: p.permissions.has("COLLECT_CLIENT"), canNotebook: p.permissions.has("NOTEBOOK_EDITOR") }} />;
}
