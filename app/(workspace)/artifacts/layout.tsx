// The Artifacts area: its own styles (list, artifact page, editor).
import type { ReactNode } from "react";
import "./artifacts.css";

export default function ArtifactsLayout({ children }: { children: ReactNode }) {
  return children;
}
