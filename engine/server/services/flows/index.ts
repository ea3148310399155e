export { startFlows } from "./start";
export { repositorySource } from "./repository-source";
export type { FlowExpiryOptions } from "./expiry";
