// One client: its facts, labels, metadata, collections and their results, events and shell.
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { isServiceError } from "@/engine";
import { ClientView } from "@/app/_components/clients/client-view";
import type { ClientRow } from "@/app/_components/clients/types";
import { Forbidden } from "@/app/_components/forbidden";
import { currentPrincipal, requirePagePrincipal } from "@/app/_server/auth";
import { getEngine } from "@/app/_server/engine";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ clientId: string }> }) {
  const { clientId } = await params;
  const p = await currentPrincipal();
  if (!p?.permissions.has("READ_RESULTS")) return { title: clientId };
  try {
    return { title: (await getEngine().clients.get(p, clientId)).hostname || clientId };
  } catch {
    return { title: clientId };
  }
}

export default async function ClientPage({ params }: { params: Promise<{ clientId: string }> }) {
  const { clientId } = await params;
  const p = await requirePagePrincipal(`/clients/${clientId}`);
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  let client;
  try {
    client = await getEngine().clients.get(p, clientId, { view: true });
  } catch (err) {
    if (isServiceError(err) && err.status === 404) notFound();
    throw err;
  }
  const initial = JSON.parse(JSON.stringify(client)) as ClientRow;
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <ClientView initial={initial} canCollect={p.permissions.has("COLLECT_CLIENT")} canLabel={p.permissions.has("LABEL_CLIENT")} canAdmin={p.permissions.has("SERVER_ADMIN")} canNotebook={p.permissions.has("NOTEBOOK_EDITOR")} canExecve={p.permissions.has("EXECVE")} />
    </Suspense>
  );
}
