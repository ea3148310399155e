// Artifacts: every built-in and custom artifact, searchable by name and description and
// filtered by type; upload a YAML or zip pack, download all custom artifacts, write a new one.
import Link from "next/link";
import { ArtifactList, type ArtifactRow } from "../../_components/artifacts/artifact-list";
import { ArtifactUpload } from "../../_components/artifacts/artifact-upload";
import { Forbidden } from "../../_components/forbidden";
import { requirePagePrincipal } from "../../_server/auth";
import { getEngine } from "../../_server/engine";

export const metadata = { title: "Artifacts" };

export const dynamic = "force-dynamic";

export default async function ArtifactsPage({ searchParams }: { searchParams: Promise<{ search?: string; type?: string }> }) {
  const p = await requirePagePrincipal("/artifacts");
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  const sp = await searchParams;
  const engine = getEngine();
  const summaries = await engine.artifacts.list(p);
  const rows: ArtifactRow[] = summaries.map((s) => ({
    name: s.name,
    type: s.type,
    summary: s.summary,
    description: engine.artifacts.get(s.name, { exact: true })?.description ?? "",
    builtIn: s.builtIn,
    ...(s.overriddenBy ? { overriddenBy: s.overriddenBy } : {}),
  }));
  const canWrite = p.permissions.has("ARTIFACT_WRITER") || p.permissions.has("SERVER_ARTIFACT_WRITER");
  return (
    <section>
      <div className="art-head">
        <h1>Artifacts</h1>
        <div className="art-toolbar">
          {canWrite ? (
            <Link className="button primary" href="/artifacts/new" data-testid="artifact-new">
              New artifact
            </Link>
          ) : null}
          <a className="button" href="/api/artifacts/export" download data-testid="artifact-export-all">
            Download custom artifacts
          </a>
          {canWrite ? <ArtifactUpload /> : null}
        </div>
      </div>
      <ArtifactList rows={rows} initialSearch={sp.search ?? ""} initialType={sp.type ?? ""} />
    </section>
  );
}
