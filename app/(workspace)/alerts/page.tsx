// Placeholder for the Alerts area until its issue lands: the shell links here already.
export default function AlertsPage() {
  return (
    <section>
      <h1>Alerts</h1>
      <p className="muted">Alerts raised by event queries. This area is not built yet.</p>
    </section>
  );
}
