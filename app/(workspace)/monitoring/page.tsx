// Placeholder for the Monitoring area until its issue lands: the shell links here already.
export default function MonitoringPage() {
  return (
    <section>
      <h1>Monitoring</h1>
      <p className="muted">Server and client event tables. This area is not built yet.</p>
    </section>
  );
}
