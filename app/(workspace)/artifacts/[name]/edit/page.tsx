// Editing an artifact: a custom one as saved, a built-in as its `Custom.` copy.
import { notFound } from "next/navigation";
import { isServiceError } from "@/engine";
import { ArtifactEditor } from "@/app/_components/artifacts/artifact-editor";
import { Forbidden } from "@/app/_components/forbidden";
import { requirePagePrincipal } from "@/app/_server/auth";
import { editorContext } from "@/app/_server/artifact-editor";
import { getEngine } from "@/app/_server/engine";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: `Edit ${decodeURIComponent((await params).name)}` };
}

export const dynamic = "force-dynamic";

export default async function EditArtifactPage({ params }: { params: Promise<{ name: string }> }) {
  const name = decodeURIComponent((await params).name);
  const p = await requirePagePrincipal(`/artifacts/${encodeURIComponent(name)}/edit`);
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  const engine = getEngine();
  let yaml: string;
  try {
    yaml = await engine.artifacts.editableYaml(p, name);
  } catch (err) {
    if (isServiceError(err) && err.status === 404) notFound();
    throw err;
  }
  const canWrite = p.permissions.has("ARTIFACT_WRITER") || p.permissions.has("SERVER_ARTIFACT_WRITER");
  return (
    <section>
      <h1>Edit {name}</h1>
      <ArtifactEditor initialYaml={yaml} {...await editorContext(p)} canWrite={canWrite} />
    </section>
  );
}
