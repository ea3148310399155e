export { startNotebooks, type StartedNotebooks } from "./start";
export { DEFAULT_NOTEBOOK_OPTIONS, type CellQueryRunner, type NotebookOptions, type NotebooksDeps, type RunEvent } from "./deps";
export type * from "@/engine/server/contracts/notebooks";
