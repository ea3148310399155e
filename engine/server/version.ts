// Talon's version for the server's modules (engine/version, shared with the agent).
export { TALON_VERSION } from "@/engine/version";
