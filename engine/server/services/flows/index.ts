export { startFlows } from "./start";
export { repositorySource } from "./repository-source";
