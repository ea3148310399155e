// The Clients area: its own styles (list, client page, collect dialog, results), and the
// Monitoring area's for the client page's Events tab.
import type { ReactNode } from "react";
import "../monitoring/monitoring.css";
import "./clients.css";

export default function ClientsLayout({ children }: { children: ReactNode }) {
  return children;
}
