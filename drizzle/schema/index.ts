export * from "./users";
export * from "./clients";
export * from "./flows";
export * from "./events";
