// The Hunts area: the Clients area's styles (tables, states, tabs, pager, artifact picker,
// parameter forms) and its own (wizard, queue counts).
import type { ReactNode } from "react";
import "../clients/clients.css";
import "./hunts.css";

export default function HuntsLayout({ children }: { children: ReactNode }) {
  return children;
}
