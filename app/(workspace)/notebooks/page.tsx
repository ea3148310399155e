// Placeholder for the Notebooks area until its issue lands: the shell links here already.
export default function NotebooksPage() {
  return (
    <section>
      <h1>Notebooks</h1>
      <p className="muted">Collaborative VQL notebooks. This area is not built yet.</p>
    </section>
  );
}
