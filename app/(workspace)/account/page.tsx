// The signed-in user's own account: role, permissions, password.
import { ChangePassword } from "../../_components/change-password";
import { requirePagePrincipal } from "../../_server/auth";

export const metadata = { title: "Account" };

export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const p = await requirePagePrincipal("/account");
  return (
    <section>
      <h1>Account</h1>
      <p>
        Signed in as <strong>{p.username}</strong> with the role <strong>{p.role}</strong>.
      </p>
      <p className="muted">Permissions: {[...p.permissions].sort().join(", ") || "none"}</p>
      <h2>Change password</h2>
      <ChangePassword />
    </section>
  );
}
