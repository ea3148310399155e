export * from "./users";
export * from "./notebooks";
