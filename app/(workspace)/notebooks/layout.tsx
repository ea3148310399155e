// The notebooks area: its styles.
import type { ReactNode } from "react";
import "../../_components/notebooks/notebooks.css";

export default function NotebooksLayout({ children }: { children: ReactNode }) {
  return children;
}
