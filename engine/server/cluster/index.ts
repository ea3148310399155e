export { startClusterNode, type StartedNode, type NodeOptions } from "./node";
export { startBus, type StartedBus } from "./bus";
export { createIdSource } from "./ids";
