export { startFlows } from "./start";
