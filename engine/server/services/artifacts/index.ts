export { startArtifacts, type ArtifactsOptions } from "./start";
export type { ArtifactChangeEvent } from "../types";
