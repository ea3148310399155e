// Secrets: administrators add, share and delete managed secrets (webhook URLs, HTTP API
// credentials) here. The page lists names, types, field names and users; values never leave
// the server once entered.
import { SECRET_TYPES } from "@/engine";
import { Forbidden } from "@/app/_components/forbidden";
import { SecretsAdmin } from "@/app/_components/secrets-admin";
import { requirePagePrincipal } from "@/app/_server/auth";
import { getEngine } from "@/app/_server/engine";

export const metadata = { title: "Secrets" };

export const dynamic = "force-dynamic";

export default async function SecretsPage() {
  const p = await requirePagePrincipal("/secrets");
  if (!p.permissions.has("SERVER_ADMIN")) return <Forbidden permission="SERVER_ADMIN" />;
  const secrets = await getEngine().secrets.list(p);
  return (
    <section>
      <h1>Secrets</h1>
      <p>
        Secrets hold webhook URLs and API credentials that queries use by name (<code>http_client(secret=&apos;name&apos;)</code>, alert forwarders)
        without the values ever appearing in a query, a result or a log.
      </p>
      <SecretsAdmin
        types={Object.entries(SECRET_TYPES).map(([name, t]) => ({ name, description: t.description, fields: t.fields.map((f) => ({ ...f })) }))}
        secrets={secrets.map((s) => ({ ...s, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() }))}
      />
    </section>
  );
}
