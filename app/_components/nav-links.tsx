"use client";
// The workspace navigation; marks the current area for screen readers and the eye, and shows
// an item's badge (the new-alerts count) beside its label. The badge describes the link rather
// than naming it, so the link's accessible name stays its label.
import type { ReactNode } from "react";
import Link from "next/link";
import { usePathname } from "next/navigation";

export interface NavItem {
  href: string;
  label: string;
  badge?: ReactNode;
}

export function NavLinks({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <>
      {items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(item.href + "/");
        const badgeId = `nav-badge${item.href.replace(/[^a-z0-9]+/gi, "-")}`;
        return (
          <Link key={item.href} href={item.href} aria-current={active ? "page" : undefined} aria-describedby={item.badge ? badgeId : undefined}>
            {item.label}
            {item.badge ? (
              <span id={badgeId} aria-hidden="true">
                {item.badge}
              </span>
            ) : null}
          </Link>
        );
      })}
    </>
  );
}
