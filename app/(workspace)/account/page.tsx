// The signed-in user's own account: role, permissions, password, time zone for dates.
import { ChangePassword } from "../../_components/change-password";
import { TimeZoneSetting } from "../../_components/results-table/time-zone-setting";
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
      <h2>Time zone</h2>
      <p className="muted">Result tables show dates in this zone (kept in this browser); hover a date for its raw value.</p>
      <TimeZoneSetting />
      <h2>Change password</h2>
      <ChangePassword />
    </section>
  );
}
