// Placeholder for the Hunts area until its issue lands: the shell links here already.
export default function HuntsPage() {
  return (
    <section>
      <h1>Hunts</h1>
      <p className="muted">Collections across many endpoints. This area is not built yet.</p>
    </section>
  );
}
