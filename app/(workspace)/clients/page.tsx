// Placeholder for the Clients area until its issue lands: the shell links here already.
export default function ClientsPage() {
  return (
    <section>
      <h1>Clients</h1>
      <p className="muted">Endpoints enrolled with this server. This area is not built yet.</p>
    </section>
  );
}
