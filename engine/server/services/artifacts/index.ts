export { startArtifacts, type ArtifactsDeps } from "./start";
export type { ArtifactChangeEvent } from "@/engine/server/contracts";
