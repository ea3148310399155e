// Notebooks: the list of notebooks the signed-in user may read, and "New notebook".
import { Forbidden } from "../../_components/forbidden";
import { NotebookList } from "../../_components/notebooks/notebook-list";
import { requirePagePrincipal } from "../../_server/auth";
import { notebooksService } from "../../_server/notebooks";

export const metadata = { title: "Notebooks" };

export const dynamic = "force-dynamic";

export default async function NotebooksPage() {
  const p = await requirePagePrincipal("/notebooks");
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  const svc = notebooksService();
  const [list, templates] = await Promise.all([svc.list(p, { sort: "modified" }), svc.templates()]);
  return (
    <section>
      <h1>Notebooks</h1>
      <NotebookList initial={list.notebooks} templates={templates} me={p.username} canCreate={p.permissions.has("NOTEBOOK_EDITOR")} />
    </section>
  );
}
