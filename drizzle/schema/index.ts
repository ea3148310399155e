export * from "./users";
export * from "./artifacts";
export * from "./notebooks";
export * from "./clients";
export * from "./flows";
export * from "./events";
export * from "./cluster";
export * from "./server-metadata";
