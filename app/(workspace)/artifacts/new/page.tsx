// A new custom artifact, starting from the template.
import { newArtifactTemplate } from "@/engine/artifacts/template";
import { ArtifactEditor } from "@/app/_components/artifacts/artifact-editor";
import { Forbidden } from "@/app/_components/forbidden";
import { requirePagePrincipal } from "@/app/_server/auth";
import { editorContext } from "@/app/_server/artifact-editor";

export const metadata = { title: "New artifact" };

export const dynamic = "force-dynamic";

export default async function NewArtifactPage() {
  const p = await requirePagePrincipal("/artifacts/new");
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  const canWrite = p.permissions.has("ARTIFACT_WRITER") || p.permissions.has("SERVER_ARTIFACT_WRITER");
  return (
    <section>
      <h1>New artifact</h1>
      <ArtifactEditor initialYaml={newArtifactTemplate()} {...await editorContext(p)} canWrite={canWrite} />
    </section>
  );
}
