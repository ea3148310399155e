// Shown instead of a page's content when the signed-in user lacks the permission it needs.
export function Forbidden({ permission }: { permission: string }) {
  return (
    <section aria-labelledby="forbidden-title">
      <h1 id="forbidden-title">Forbidden</h1>
      <p className="notice error" role="alert">
        Your role does not include the {permission} permission this page needs. Ask an administrator.
      </p>
    </section>
  );
}
