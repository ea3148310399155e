export * from "./users";
export * from "./audit";
export * from "./health";
export * from "./artifacts";
export * from "./notebooks";
export * from "./notebook-results";
