// One notebook, at a stable URL (/notebooks/N.x, and ?cell=NC.y for a cell). Signing in comes
// first (the front door redirects back here); a user the notebook is not shared with sees
// "no access" and nothing of its content.
import { isServiceError } from "@/engine";
import { NotebookEditor } from "@/app/_components/notebooks/notebook-editor";
import { currentPrincipal, requirePagePrincipal } from "@/app/_server/auth";
import { notebooksService } from "@/app/_server/notebooks";

export const dynamic = "force-dynamic";

/** The tab says which notebook, to those who may read it (the page follows renames). */
export async function generateMetadata({ params }: { params: Promise<{ notebookId: string }> }) {
  const p = await currentPrincipal();
  if (!p) return { title: "Notebook" };
  try {
    return { title: (await notebooksService().get(p, (await params).notebookId)).name || "Notebook" };
  } catch {
    return { title: "Notebook" };
  }
}

export default async function NotebookPage({ params, searchParams }: { params: Promise<{ notebookId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { notebookId } = await params;
  const sp = await searchParams;
  const cell = typeof sp.cell === "string" ? sp.cell : undefined;
  const p = await requirePagePrincipal(`/notebooks/${notebookId}${cell ? `?cell=${encodeURIComponent(cell)}` : ""}`);
  try {
    const notebook = await notebooksService().get(p, notebookId);
    return <NotebookEditor initial={notebook} me={p.username} focusCell={cell} />;
  } catch (err) {
    if (isServiceError(err) && (err.status === 403 || err.status === 404)) {
      return (
        <section aria-labelledby="no-access-title" data-testid="no-access">
          <h1 id="no-access-title">{err.status === 403 ? "No access" : "Notebook not found"}</h1>
          <p className="notice error" role="alert">
            {err.status === 403
              ? "This notebook is not shared with you. Ask its creator to add you as a collaborator."
              : `There is no notebook ${notebookId}.`}
          </p>
          <p>
            <a href="/notebooks">Back to your notebooks</a>
          </p>
        </section>
      );
    }
    throw err;
  }
}
