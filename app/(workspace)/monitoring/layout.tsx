// The Monitoring area's styles: the Clients area's tables, chips, dialogs and badges, plus its own.
import type { ReactNode } from "react";
import "../clients/clients.css";
import "./monitoring.css";

export default function MonitoringLayout({ children }: { children: ReactNode }) {
  return children;
}
