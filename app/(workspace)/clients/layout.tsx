// The Clients area: its own styles (list, client page, collect dialog, results).
import type { ReactNode } from "react";
import "./clients.css";

export default function ClientsLayout({ children }: { children: ReactNode }) {
  return children;
}
