// Every service's contract: interfaces, shapes and queue names, no implementation. Services
// import each other only through these.
export * from "./common";
export * from "./audit";
export * from "./accounts";
export * from "./artifacts";
export * from "./agents";
export * from "./clients";
export * from "./flows";
export * from "./interrogation";
export * from "./notebooks";
export * from "./queries";
export * from "./ui";
export * from "./journal";
export * from "./cluster";
export * from "./engine";
export * from "./monitoring";
export * from "./alerts";
export * from "./secrets";
export * from "./access";
export * from "./limits";
export * from "./hunts";
export * from "./downloads";
export * from "./vfs";
export * from "./favorites";
export * from "./file-store";
export * from "./user-options";
export * from "./tools";
