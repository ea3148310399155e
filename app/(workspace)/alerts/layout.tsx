// The Alerts area's styles: the Clients area's tables, badges and facts, plus its own.
import type { ReactNode } from "react";
import "../clients/clients.css";
import "./alerts.css";

export default function AlertsLayout({ children }: { children: ReactNode }) {
  return children;
}
