// Placeholder for the Artifacts area until its issue lands: the shell links here already.
export default function ArtifactsPage() {
  return (
    <section>
      <h1>Artifacts</h1>
      <p className="muted">Saved VQL: built-in and custom artifacts. This area is not built yet.</p>
    </section>
  );
}
