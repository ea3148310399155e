export { startInterrogation, INTERROGATION_ARTIFACT, INTERROGATOR } from "./start";
