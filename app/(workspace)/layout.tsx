// The signed-in shell: navigation for every area the user's role can use (Alerts with its live
// count of new ones; Tools for roles that read results; Users, Secrets and Audit log for administrators only), the messages bell
// (user_message()), who is signed in, sign out.
import type { ReactNode } from "react";
import { NewAlertsBadge } from "../_components/alerts/new-alerts-badge";
import { NavLinks, type NavItem } from "../_components/nav-links";
import { MessagesBell } from "../_components/user-messages/messages-bell";
import { requirePagePrincipal } from "../_server/auth";

export const dynamic = "force-dynamic";

export default async function WorkspaceLayout({ children }: { children: ReactNode }) {
  const principal = await requirePagePrincipal("/");
  const items: NavItem[] = [
    { href: "/notebooks", label: "Notebooks" },
    { href: "/clients", label: "Clients" },
    { href: "/hunts", label: "Hunts" },
    { href: "/artifacts", label: "Artifacts" },
    { href: "/monitoring", label: "Monitoring" },
    ...(principal.permissions.has("READ_RESULTS") ? [{ href: "/tools", label: "Tools" }] : []),
    { href: "/alerts", label: "Alerts", badge: principal.permissions.has("READ_RESULTS") ? <NewAlertsBadge /> : undefined },
  ];
  if (principal.permissions.has("SERVER_ADMIN")) {
    items.push({ href: "/users", label: "Users" }, { href: "/secrets", label: "Secrets" }, { href: "/audit", label: "Audit log" });
  }
  return (
    <div className="shell">
      <nav className="nav" aria-label="Main">
        <div className="brand">Talon</div>
        <NavLinks items={items} />
        <div className="spacer" />
        <MessagesBell username={principal.username} />
        <NavLinks items={[{ href: "/account", label: "Account" }]} />
        <div className="who" data-testid="signed-in-user">
          {principal.username} · {principal.role}
        </div>
        <form method="post" action="/api/auth/logout">
          <button type="submit">Sign out</button>
        </form>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}
