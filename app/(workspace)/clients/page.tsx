// Clients: every endpoint enrolled with this server, searchable with Velociraptor's verbs, with
// labels; administrators also see the deployment token and the command that enrols an agent.
import { Suspense } from "react";
import { ClientsView } from "../../_components/clients/clients-view";
import { DeploymentToken } from "../../_components/clients/deployment-token";
import { Forbidden } from "../../_components/forbidden";
import { requirePagePrincipal } from "../../_server/auth";
import { getEngine } from "../../_server/engine";

export const metadata = { title: "Clients" };

export const dynamic = "force-dynamic";

export default async function ClientsPage() {
  const p = await requirePagePrincipal("/clients");
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  const token = p.permissions.has("SERVER_ADMIN") ? await getEngine().clients.deploymentToken(p) : undefined;
  return (
    <section>
      <h1>Clients</h1>
      {token ? <DeploymentToken token={token} /> : null}
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <ClientsView canLabel={p.permissions.has("LABEL_CLIENT")} />
      </Suspense>
    </section>
  );
}
